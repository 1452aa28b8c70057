# The benchmark against peer resizers: run by hand (bench/resize --help), never
# by make check; shipped so that a tarball can reproduce bench/RESULTS.md.
EXTRA_DIST += bench/resize bench/RESULTS.md
# The whole pipeline on the local AWS stack against the seed's Python Lambda.
EXTRA_DIST += bench/pipeline bench/PIPELINE-RESULTS.md
# Exec to the first /next of imgproc-service (build tree, Lambda layer) and of the Python reference.
EXTRA_DIST += bench/startup bench/STARTUP-RESULTS.md
