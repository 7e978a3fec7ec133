/*
 * vetctl_policy: the `vetctl policy ...` commands (test, status, replay,
 * diff). Each returns the exit status: 0 done, 1 failed, 2 usage.
 */
#ifndef VETD_VETCTL_POLICY_H
#define VETD_VETCTL_POLICY_H

#include "config.h"
#include "store.h"

int	vetctl_policy_test(const struct config *, struct store *, int, char **);
int	vetctl_policy_status(const struct config *, struct store *, int,
	    char **);
int	vetctl_policy_replay(const struct config *, struct store *, int,
	    char **);
int	vetctl_policy_diff(const struct config *, struct store *, int, char **);

#endif
