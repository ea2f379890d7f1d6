"""Analytics: reporting facts and their daily roll-up, KPIs, Главная, ops alerts, readiness."""
