"""PlanSource adapters: where a review's input comes from (an uploaded plan; GitHub and Spacelift later)."""
