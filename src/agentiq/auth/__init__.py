"""Who you are: accounts, sign-in sessions, CSRF, API tokens."""
