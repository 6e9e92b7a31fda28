"""The recording judge: `intercom-contracts judge HAR` (pytest --pyargs contracts.judging --intercom-recording HAR)."""
