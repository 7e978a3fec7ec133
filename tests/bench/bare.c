/*
 * bare: the reference point of the benchmark. A minimal libfcgi responder
 * that does nothing but answer every request with 200 and {"status":"ok"},
 * so `make bench` can compare vetd's health route with the cost of FastCGI
 * and nginx alone. Usage: bare SOCKET [WORKERS]. It listens on the unix
 * socket SOCKET (mode 0666), forks WORKERS processes (default 2) that accept
 * on it, and runs until SIGTERM or SIGINT, which it passes on to the workers
 * before removing the socket. It closes each connection as vetd does on a
 * unix socket, so the two differ only in the work done per request.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include <fcgiapp.h>

#define MAX_WORKERS 64

static const char response[] =
	"Status: 200 OK\r\n"
	"Content-Type: application/json\r\n"
	"\r\n"
	"{\"status\":\"ok\"}";

static volatile sig_atomic_t stop_requested;

static void on_stop(int sig)
{
	(void)sig;
	stop_requested = 1;
}

/* Accept and answer requests on sock until the process is killed. */
static int serve(int sock)
{
	FCGX_Request req;

	if (FCGX_InitRequest(&req, sock, 0) != 0) {
		fprintf(stderr, "bare: FCGX_InitRequest failed\n");
		return 1;
	}
	while (FCGX_Accept_r(&req) >= 0) {
		FCGX_PutStr(response, (int)(sizeof response - 1), req.out);
		/* close as vetd does on a unix socket: at once, without
		 * libfcgi's shutdown-and-wait for nginx to close first */
		FCGX_Detach(&req);
		FCGX_Finish_r(&req);
	}
	return 0;
}

/* Fork one worker; in the child this never returns. */
static pid_t spawn_worker(int sock, pid_t master)
{
	pid_t pid = fork();

	if (pid != 0)
		return pid;
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	prctl(PR_SET_PDEATHSIG, SIGTERM);
	if (getppid() != master)
		_exit(0);
	_exit(serve(sock));
}

static int parse_workers(const char *s, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(s, &end, 10);
	if (errno != 0 || *end != '\0' || n < 1 || n > MAX_WORKERS)
		return -1;
	*out = (int)n;
	return 0;
}

int main(int argc, char **argv)
{
	pid_t workers[MAX_WORKERS];
	int nworkers = 2, sock, i, status, rc = 1;
	const char *path;
	struct sigaction sa;
	pid_t master = getpid();

	if (argc < 2 || argc > 3 ||
	    (argc == 3 && parse_workers(argv[2], &nworkers) != 0)) {
		fprintf(stderr, "usage: bare SOCKET [WORKERS 1..%d]\n", MAX_WORKERS);
		return 2;
	}
	path = argv[1];

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_stop;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);

	if (FCGX_Init() != 0) {
		fprintf(stderr, "bare: FCGX_Init failed\n");
		return 1;
	}
	unlink(path);
	sock = FCGX_OpenSocket(path, 128);
	if (sock < 0) {
		fprintf(stderr, "bare: cannot listen on %s\n", path);
		return 1;
	}
	if (chmod(path, 0666) != 0) {
		fprintf(stderr, "bare: chmod %s: %s\n", path, strerror(errno));
		goto out;
	}

	for (i = 0; i < nworkers; i++) {
		workers[i] = spawn_worker(sock, master);
		if (workers[i] < 0) {
			fprintf(stderr, "bare: fork: %s\n", strerror(errno));
			nworkers = i;
			goto out;
		}
	}

	/* A worker that dies is not replaced: the bench would be wrong anyway. */
	while (!stop_requested) {
		pid_t pid = wait(&status);

		if (pid < 0 && errno == ECHILD)
			break;
	}
	rc = 0;
out:
	for (i = 0; i < nworkers; i++)
		kill(workers[i], SIGTERM);
	while (wait(&status) > 0 || errno == EINTR)
		;
	unlink(path);
	close(sock);
	return rc;
}
