"""Spacelift, both ways: GraphQL client, run comments and reviews, plan cross-check, PR combining, reconciler.

settings.SpaceliftApiSettings      the outbound settings (mounted as Settings.spacelift_api)
client.SpaceliftClient             apiKeyUser → cached JWT; run, changes, run_comment, run_review, runs
crosscheck.SpaceliftCheckedPlanSource   wraps the `api` PlanSource: changesV3 vs the uploaded plan → coverage note
publisher.SpaceliftPublisher       Publisher: one run comment per (run, content); optional runReview
combined.PullRequestCombiner       Publisher wrapper for the GitHub side: one combined review per PR
reconcile.SpaceliftReconciler      runs whose webhook never came → the `spacelift_run` job, once
"""
