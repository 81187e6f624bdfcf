"""The matching engine of shared/contracts/matching.md (issue: choice of posts). Pure Python."""
