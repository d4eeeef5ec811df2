package poll_test

const childEnv = "POLL_TEST_CHILD"

func runChild() int { return 2 }
