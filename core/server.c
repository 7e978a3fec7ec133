/*
 * server: prefork master and worker loop. See server.h for the design.
 */
#include "autoconf.h"

#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <fcgiapp.h>

#include "api.h"
#include "auditspool.h"
#include "auth.h"
#include "log.h"
#include "metrics.h"
#include "server.h"
#include "store.h"
#include "util.h"

/* Body bytes read and dropped after an early answer, so nginx never sees
 * its upload cut off (which it would report as a 502). */
#define DISCARD_MAX	(64LL * 1024 * 1024)
#define MAX_WORKERS	256	/* live, old generations included */
#define WORKER_CHECKPOINT_PAGES	10000	/* WAL pages before a checkpoint */

struct worker {
	pid_t		pid;
	unsigned	gen;
	uint64_t	started_us;
	int		stopping;	/* we sent it SIGTERM */
};

static struct config	*cfg;
static int		 listen_fd = -1;
static pid_t		 master_pid;
static struct worker	 workers[MAX_WORKERS];
static size_t		 nworkers;
static unsigned		 generation;
static uint64_t		 next_spawn_us;	/* respawn back-off */
static unsigned		 fast_deaths;

static volatile sig_atomic_t worker_stop;

/* --- listening socket ----------------------------------------------------- */

static int
set_nonblock(int fd)
{
	int	fl = fcntl(fd, F_GETFL);

	return fl == -1 ? -1 : fcntl(fd, F_SETFL, fl | O_NONBLOCK);
}

/* Is something already answering on the unix socket at path? */
static int
unix_socket_live(const struct sockaddr_un *sun)
{
	int	fd, live;

	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		return 0;
	live = connect(fd, (const struct sockaddr *)sun, sizeof(*sun)) == 0;
	close(fd);
	return live;
}

static int
listen_unix(const struct config *c)
{
	struct sockaddr_un	 sun;
	struct stat		 sb;
	struct group		*gr;
	mode_t			 old;
	int			 fd;

	memset(&sun, 0, sizeof(sun));
	sun.sun_family = AF_UNIX;
	if (strlen(c->socket_path) >= sizeof(sun.sun_path))
		fatalx("listen.socket: path too long");
	memcpy(sun.sun_path, c->socket_path, strlen(c->socket_path));

	if (lstat(c->socket_path, &sb) == 0) {
		if (!S_ISSOCK(sb.st_mode))
			fatalx("listen.socket: %s exists and is not a socket",
			    c->socket_path);
		if (unix_socket_live(&sun))
			fatalx("listen.socket: %s is in use by another server",
			    c->socket_path);
		unlink(c->socket_path);
	}
	if ((fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	old = umask(0177);
	if (bind(fd, (struct sockaddr *)&sun, sizeof(sun)) == -1)
		fatal("bind %s", c->socket_path);
	umask(old);
	if (c->socket_group != NULL) {
		if ((gr = getgrnam(c->socket_group)) == NULL)
			fatalx("listen.group: no group named %s", c->socket_group);
		if (chown(c->socket_path, (uid_t)-1, gr->gr_gid) == -1)
			fatal("chown %s", c->socket_path);
	}
	if (chmod(c->socket_path, (mode_t)c->socket_mode) == -1)
		fatal("chmod %s", c->socket_path);
	if (listen(fd, (int)c->backlog) == -1)
		fatal("listen");
	return fd;
}

static int
listen_tcp(const struct config *c)
{
	struct sockaddr_in	sin;
	int			fd, one = 1;

	memset(&sin, 0, sizeof(sin));
	sin.sin_family = AF_INET;
	sin.sin_port = htons((uint16_t)c->tcp_port);
	if (inet_pton(AF_INET, c->tcp_host, &sin.sin_addr) != 1)
		fatalx("listen.tcp: bad address");
	if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) == -1)
		fatal("socket");
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	if (bind(fd, (struct sockaddr *)&sin, sizeof(sin)) == -1)
		fatal("bind %s:%lld", c->tcp_host, c->tcp_port);
	if (listen(fd, (int)c->backlog) == -1)
		fatal("listen");
	return fd;
}

static int
same_listen(const struct config *a, const struct config *b)
{
	if ((a->socket_path == NULL) != (b->socket_path == NULL))
		return 0;
	if (a->socket_path != NULL)
		return strcmp(a->socket_path, b->socket_path) == 0 &&
		    a->socket_mode == b->socket_mode &&
		    (a->socket_group == NULL) == (b->socket_group == NULL) &&
		    (a->socket_group == NULL ||
		    strcmp(a->socket_group, b->socket_group) == 0);
	return strcmp(a->tcp_host, b->tcp_host) == 0 &&
	    a->tcp_port == b->tcp_port;
}

/* --- worker ------------------------------------------------------------- */

static const char *
fcgx_param(void *io, const char *name)
{
	FCGX_Request	*r = io;

	return FCGX_GetParam(name, r->envp);
}

static ssize_t
fcgx_read(void *io, char *buf, size_t len)
{
	FCGX_Request	*r = io;
	int		 n;

	if (len > INT_MAX)
		len = INT_MAX;
	n = FCGX_GetStr(buf, (int)len, r->in);
	if (n < 0 || (n == 0 && FCGX_GetError(r->in) != 0))
		return -1;
	return n;
}

static int
fcgx_write(void *io, const char *buf, size_t len)
{
	FCGX_Stream	*out = io;
	int		 n;

	while (len > 0) {
		n = FCGX_PutStr(buf, len > INT_MAX ? INT_MAX : (int)len, out);
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static void
worker_handle(FCGX_Request *fr, struct store *st, struct auth *au,
    struct policy_registry *pol)
{
	struct pool	*pool = util_pool_new();
	struct request	 req;
	struct response	 resp;
	struct api_ctx	 c;
	uint64_t	 t0 = util_now_us(), dur;
	char		 junk[16384];
	long long	 dropped = 0;
	ssize_t		 n;

	request_init(&req, pool, fcgx_param, fcgx_read, fr, cfg->max_body);
	response_init(&resp, fcgx_write, fr->out);
	memset(&c, 0, sizeof(c));
	c.req = &req;
	c.resp = &resp;
	c.store = st;
	c.cfg = cfg;
	c.auth = au;
	c.policies = pol;
	c.now = (long long)time(NULL);
	api_dispatch(&c);

	/* Drop what the handler left unread; see DISCARD_MAX. */
	req.max_body = LLONG_MAX;
	while (dropped < DISCARD_MAX &&
	    (n = request_body_read(&req, junk, sizeof(junk))) > 0)
		dropped += n;

	dur = util_now_us() - t0;
	metrics_request(c.route, resp.status, dur);
	log_info("event=request method=%s route=%s status=%d dur_ms=%.3f "
	    "bytes=%zu", log_quote_tmp(req.method ? req.method : "-"),
	    c.route < api_nroutes ? api_routes[c.route].pattern : "unmatched",
	    resp.status, (double)dur / 1000.0, resp.body_bytes);
	log_set_rid(NULL);
	request_end(&req);
	response_free(&resp);
	util_pool_free(pool);
}

/* 1 when a connection is waiting on the listening socket. */
static int
pending(int fd)
{
	struct pollfd	pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0) == 1 && (pfd.revents & POLLIN);
}

static void
worker_on_stop(int sig)
{
	(void)sig;
	worker_stop = 1;
}

static void __attribute__((noreturn))
worker_main(void)
{
	struct sigaction	 sa;
	sigset_t		 waitmask;
	struct store		*st;
	struct auth		*au;
	struct policy_registry	*pol;
	FCGX_Request		 fr;
	struct pollfd		 pfd;
	char			 err[256], *spool;
	int			 rc;

	if (prctl(PR_SET_PDEATHSIG, SIGTERM) == -1 || getppid() != master_pid)
		_exit(0);
	log_init("worker", cfg->log_level);

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = worker_on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sa.sa_handler = SIG_IGN;
	sigaction(SIGHUP, &sa, NULL);
	sa.sa_handler = SIG_DFL;
	sigaction(SIGCHLD, &sa, NULL);

	/* The stop signals stay blocked (inherited from the master) except
	 * while waiting in ppoll. */
	sigprocmask(SIG_SETMASK, NULL, &waitmask);
	sigdelset(&waitmask, SIGTERM);
	sigdelset(&waitmask, SIGINT);

	if ((st = store_open(cfg->database, (int)cfg->busy_timeout, err,
	    sizeof(err))) == NULL) {
		log_error("event=worker_db_open_failed reason=%s",
		    log_quote_tmp(err));
		_exit(1);
	}
	/*
	 * A checkpoint runs inside the commit that crosses the threshold,
	 * under the write lock, and waits for the disk twice: fewer, larger
	 * ones cost the workers less in all (a page written many times is
	 * copied once). The WAL stays under journal_size_limit.
	 */
	store_autocheckpoint(st, WORKER_CHECKPOINT_PAGES);
	spool = auditspool_dir(cfg->database);
	if (auditspool_open(spool) == -1)
		log_warn("event=audit_spool_unavailable msg=\"reads are "
		    "recorded one transaction each\"");
	free(spool);
	au = auth_new(cfg);
	pol = policy_registry_new(cfg);
	if (FCGX_Init() != 0 || FCGX_InitRequest(&fr, listen_fd, 0) != 0) {
		log_error("event=fcgi_init_failed");
		_exit(1);
	}
	log_debug("event=worker_start");

	while (!worker_stop) {
		struct timespec	 ts, *tsp = NULL;
		int		 due = auditspool_due_ms();

		/* idle: records still spooled wait no longer than they are
		 * due */
		if (due >= 0) {
			ts.tv_sec = due / 1000;
			ts.tv_nsec = (long)(due % 1000) * 1000000;
			tsp = &ts;
		}
		pfd.fd = listen_fd;
		pfd.events = POLLIN;
		pfd.revents = 0;
		if ((rc = ppoll(&pfd, 1, tsp, &waitmask)) == -1) {
			if (errno == EINTR)
				continue;
			log_error("event=poll_failed error=%s",
			    log_quote_tmp(strerror(errno)));
			_exit(1);
		}
		if (worker_stop)
			break;
		if (rc == 0) {
			auditspool_after_request(st, 0);
			continue;
		}
		if (!(pfd.revents & POLLIN))
			continue;
		/* Another worker may have taken it: EAGAIN, loop. */
		if ((rc = FCGX_Accept_r(&fr)) < 0) {
			if (rc != -EAGAIN && rc != -EWOULDBLOCK && rc != -EINTR)
				log_warn("event=accept_failed rc=%d", rc);
			continue;
		}
		worker_handle(&fr, st, au, pol);
		/* reads' audit records: committed before the response is
		 * finished, unless requests are queueing (auditspool.h) */
		if (auditspool_due_ms() >= 0)
			auditspool_after_request(st, pending(listen_fd));
		/* On a unix socket, close at once: libfcgi would otherwise
		 * shut the socket down and wait for nginx to close its end
		 * (against TCP resets), keeping the worker from the next
		 * request. What the handler left of the body was drained. */
		if (cfg->socket_path != NULL)
			FCGX_Detach(&fr);
		FCGX_Finish_r(&fr);
	}
	auditspool_close(st);
	FCGX_Free(&fr, 1);
	auth_free(au);
	policy_registry_free(pol);
	store_close(st);
	log_debug("event=worker_exit");
	_exit(0);
}

/* --- master -------------------------------------------------------------- */

static void
spawn(void)
{
	pid_t	pid;

	if (nworkers == MAX_WORKERS) {
		log_error("event=spawn_refused reason=\"too many workers\"");
		return;
	}
	switch ((pid = fork())) {
	case -1:
		log_error("event=fork_failed error=%s",
		    log_quote_tmp(strerror(errno)));
		return;
	case 0:
		worker_main();
	default:
		workers[nworkers].pid = pid;
		workers[nworkers].gen = generation;
		workers[nworkers].started_us = util_now_us();
		workers[nworkers].stopping = 0;
		nworkers++;
	}
}

static size_t
live_current(void)
{
	size_t	i, n = 0;

	for (i = 0; i < nworkers; i++)
		if (workers[i].gen == generation && !workers[i].stopping)
			n++;
	return n;
}

/*
 * Replay into the trail the audit spools of workers that are gone (a
 * crash, or a stop before their last commit). Live workers' spools are
 * locked and left alone.
 */
static void
recover_spools(const struct config *c)
{
	struct store	*st;
	char		 err[256], *dir;
	long long	 n = 0;

	if ((st = store_open(c->database, (int)c->busy_timeout, err,
	    sizeof(err))) == NULL) {
		log_error("event=audit_spool_recovery_failed reason=%s",
		    log_quote_tmp(err));
		return;
	}
	dir = auditspool_dir(c->database);
	if (auditspool_recover(st, dir, &n) == -1)
		log_error("event=audit_spool_recovery_failed reason=\"a spool "
		    "could not be replayed; it is kept\"");
	if (n > 0)
		log_warn("event=audit_spool_recovered records=%lld", n);
	free(dir);
	store_close(st);
}

/* Reap dead children; a current worker that died unasked is a restart. */
static void
reap(int draining)
{
	pid_t		pid;
	int		status, crashed = 0;
	size_t		i;
	uint64_t	now = util_now_us(), lived;

	while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
		for (i = 0; i < nworkers && workers[i].pid != pid; i++)
			;
		if (i == nworkers)
			continue;
		if (!draining && !workers[i].stopping &&
		    workers[i].gen == generation) {
			lived = now - workers[i].started_us;
			log_warn("event=worker_died worker_pid=%ld %s=%d "
			    "lived_ms=%llu", (long)pid,
			    WIFSIGNALED(status) ? "signal" : "exit",
			    WIFSIGNALED(status) ? WTERMSIG(status) :
			    WEXITSTATUS(status),
			    (unsigned long long)(lived / 1000));
			metrics_worker_restart();
			crashed = 1;
			/* A worker that dies young may die again at once:
			 * back off, but never past 500 ms. */
			if (lived < 1000000) {
				if (fast_deaths < 4)
					fast_deaths++;
				next_spawn_us = now + (50000ULL << fast_deaths);
			} else
				fast_deaths = 0;
		}
		workers[i] = workers[--nworkers];
	}
	if (crashed)
		recover_spools(cfg);
}

static void
maintain(void)
{
	while (live_current() < (size_t)cfg->workers &&
	    util_now_us() >= next_spawn_us && nworkers < MAX_WORKERS)
		spawn();
}

static void
stop_old(void)
{
	size_t	i;

	for (i = 0; i < nworkers; i++) {
		if (workers[i].gen != generation && !workers[i].stopping) {
			kill(workers[i].pid, SIGTERM);
			workers[i].stopping = 1;
		}
	}
}

static int
migrate(const struct config *c, char *err, size_t errlen)
{
	struct store	*st;
	int		 applied, rc;

	if ((st = store_open(c->database, (int)c->busy_timeout, err,
	    errlen)) == NULL)
		return -1;
	rc = store_migrate(st, &applied, err, errlen);
	store_close(st);
	return rc;
}

static void
reload(void)
{
	struct config	*n;
	char		 err[512];

	if (config_load(cfg->path, &n, err, sizeof(err)) == -1) {
		log_error("event=reload_failed reason=%s", log_quote_tmp(err));
		return;
	}
	if (!same_listen(cfg, n))
		log_warn("event=reload_listen_unchanged msg=\"a new listen "
		    "address needs a restart; keeping the old one\"");
	/* Keep the socket we have whatever the new file says. */
	free(n->socket_path);
	free(n->socket_group);
	free(n->tcp_host);
	n->socket_path = cfg->socket_path ? xstrdup(cfg->socket_path) : NULL;
	n->socket_group = cfg->socket_group ? xstrdup(cfg->socket_group) : NULL;
	n->tcp_host = cfg->tcp_host ? xstrdup(cfg->tcp_host) : NULL;
	n->tcp_port = cfg->tcp_port;
	n->socket_mode = cfg->socket_mode;
	if (migrate(n, err, sizeof(err)) == -1) {
		log_error("event=reload_failed reason=%s", log_quote_tmp(err));
		config_free(n);
		return;
	}
	config_free(cfg);
	cfg = n;
	log_set_level(cfg->log_level);
	/* the new generation may use another database: a new sync group */
	if (store_share_syncs() == -1)
		log_warn("event=sync_group_failed msg=\"commits sync alone\"");
	generation++;
	fast_deaths = 0;
	next_spawn_us = 0;
	maintain();
	stop_old();
	log_info("event=reloaded workers=%lld generation=%u", cfg->workers,
	    generation);
}

static void
drain(sigset_t *set)
{
	struct timespec	ts = { 0, 100 * 1000 * 1000 };
	uint64_t	deadline;
	size_t		i;
	int		killed = 0;

	log_info("event=draining workers=%zu", nworkers);
	for (i = 0; i < nworkers; i++) {
		kill(workers[i].pid, SIGTERM);
		workers[i].stopping = 1;
	}
	deadline = util_now_us() + (uint64_t)cfg->drain_timeout * 1000000;
	while (nworkers > 0) {
		(void)sigtimedwait(set, NULL, &ts);
		reap(1);
		if (!killed && util_now_us() > deadline) {
			log_warn("event=drain_timeout killing=%zu", nworkers);
			for (i = 0; i < nworkers; i++)
				kill(workers[i].pid, SIGKILL);
			killed = 1;
		}
	}
}

int
server_run(struct config *c)
{
	sigset_t	 set;
	struct timespec	 ts;
	char		 err[512];
	int		 sig;

	cfg = c;
	master_pid = getpid();
	log_init("master", cfg->log_level);
	signal(SIGPIPE, SIG_IGN);

	sigemptyset(&set);
	sigaddset(&set, SIGCHLD);
	sigaddset(&set, SIGHUP);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigprocmask(SIG_BLOCK, &set, NULL);

	if (migrate(cfg, err, sizeof(err)) == -1)
		fatalx("database %s: %s", cfg->database, err);
	recover_spools(cfg);
	if (metrics_init(api_nroutes) == -1)
		fatal("metrics: mmap");
	if (store_share_syncs() == -1)
		fatal("sync group: mmap");
	listen_fd = cfg->socket_path ? listen_unix(cfg) : listen_tcp(cfg);
	if (set_nonblock(listen_fd) == -1)
		fatal("fcntl");

	maintain();
	log_info("event=ready version=%s workers=%lld schema=%d listen=%s",
	    PACKAGE_VERSION, cfg->workers, store_schema_latest(),
	    cfg->socket_path ? "unix" : "tcp");

	for (;;) {
		ts.tv_sec = 0;
		ts.tv_nsec = live_current() < (size_t)cfg->workers ?
		    20 * 1000 * 1000 : 500 * 1000 * 1000;
		sig = sigtimedwait(&set, NULL, &ts);
		if (sig == SIGTERM || sig == SIGINT)
			break;
		if (sig == SIGHUP)
			reload();
		reap(0);
		maintain();
	}

	drain(&set);
	recover_spools(cfg);
	close(listen_fd);
	if (cfg->socket_path != NULL)
		unlink(cfg->socket_path);
	log_info("event=stopped");
	config_free(cfg);
	return 0;
}
