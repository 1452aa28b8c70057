# Tests of the runtime area: one GTest program per type.
