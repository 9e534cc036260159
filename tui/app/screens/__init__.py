"""Full screens of the review app, each with its .tcss beside it."""
