# make: `include tfreview.mk` in a Terraform repository's Makefile, then `make review` (the plan)
# or `make review-hcl` (the .tf files as a change from origin/main, no credentials needed).
TFREVIEW ?= tfreview
STACK    ?= .
BASE     ?= origin/main

.PHONY: review review-hcl
review:
	cd $(STACK) && terraform plan -input=false -out tfplan && terraform show -json tfplan > plan.json
	$(TFREVIEW) scan $(STACK)/plan.json --source $(STACK)

review-hcl:
	$(TFREVIEW) scan $(STACK) --base $(BASE)
