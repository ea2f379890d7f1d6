"""Rating levers: the cause of negative reviews, the appeal queue and rating impact."""
