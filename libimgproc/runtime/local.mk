# The runtime area: the Lambda Runtime API client, batch responses, logging,
# metrics and X-Ray.
