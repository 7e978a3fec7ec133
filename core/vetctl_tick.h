/*
 * vetctl_tick: `vetctl tick` (the scheduled pass, tick.h) and `vetctl
 * outbox list|deliver` (outbox.h), and `vetctl stats` (stats.h).
 */
#ifndef VETD_VETCTL_TICK_H
#define VETD_VETCTL_TICK_H

#include "config.h"
#include "store.h"

int	vetctl_tick(const struct config *, struct store *, int, char **);
int	vetctl_outbox_list(const struct config *, struct store *, int, char **);
int	vetctl_outbox_deliver(const struct config *, struct store *, int,
	    char **);
int	vetctl_stats(const struct config *, struct store *, int, char **);
int	vetctl_keys_show(const struct config *, struct store *, int, char **);
int	vetctl_keys_trust(const struct config *, struct store *, int, char **,
	    const char *actor);
int	vetctl_keys_rotate(const struct config *, struct store *, int, char **,
	    const char *actor);
int	vetctl_keys_versions(const struct config *, struct store *, int,
	    char **);
int	vetctl_keys_retire(const struct config *, struct store *, int, char **,
	    const char *actor);

#endif
