"""Quality inspection (质检): the live supervisor board, talk figures of recorded calls, and
scorecards (QA forms, sampling, reviews, appeals, reports)."""
