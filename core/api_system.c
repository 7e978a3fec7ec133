/*
 * api_system: the endpoints about the service itself: health for load
 * balancers and monitoring, and Prometheus metrics (nginx limits /metrics
 * to loopback).
 */
#include "autoconf.h"

#include "api.h"
#include "log.h"
#include "metrics.h"

/* GET /api/v1/health: 200 when the database answers with our schema. */
void
api_health(struct api_ctx *c)
{
	char	err[256];
	int	schema;

	if (store_health(c->store, err, sizeof(err)) == -1) {
		log_warn("event=health_failed reason=%s", log_quote_tmp(err));
		response_json(c->resp, 503, json_pack("{s:s, s:{s:s, s:s}}",
		    "status", "unavailable", "error", "code",
		    "database_unavailable", "message", "the database is unusable"));
		return;
	}
	(void)store_schema_version(c->store, &schema);
	response_json(c->resp, 200, json_pack("{s:s, s:s, s:i}", "status", "ok",
	    "version", PACKAGE_VERSION, "schema", schema));
}

/* GET /metrics: Prometheus text exposition format 0.0.4. */
void
api_metrics(struct api_ctx *c)
{
	struct buf	b;
	int		schema;

	if (store_schema_version(c->store, &schema) == -1)
		schema = -1;
	util_buf_init(&b);
	metrics_render(&b, api_routes, api_nroutes, schema,
	    (int)c->cfg->workers);
	if (response_begin(c->resp, 200, "text/plain; version=0.0.4") == 0)
		response_write(c->resp, b.data, b.len);
	util_buf_free(&b);
}
