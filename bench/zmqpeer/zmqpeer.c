/* zmqpeer: the libzmq side of the ZeroMQ benchmarks (bench/zmq_test.go), the same work as
 * bench/zmqgo does with this project's sockets/zmq, in the manner of libzmq's own perf tools
 * (local_thr, remote_thr, local_lat, remote_lat).
 *
 *   zmqpeer MODE bind|connect HOST:PORT COUNT SIZE
 *
 * MODE is push, pull, req or rep. A bound socket prints "port P" once it listens (PORT 0: the
 * system chooses). pull receives COUNT messages of SIZE bytes and prints "ns T", the time from
 * the first message to the last; push sends COUNT messages of SIZE bytes and waits until they
 * are written (linger); rep answers COUNT requests; req sends one request to warm up and then
 * times COUNT round trips, printing "ns T". Built at benchmark time:
 *
 *   gcc -O2 -o zmqpeer zmqpeer.c -lzmq      (Debian: apt-get install libzmq3-dev)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <zmq.h>

static long long now_ns(void) {
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void die(const char *what) {
	fprintf(stderr, "zmqpeer: %s: %s\n", what, zmq_strerror(zmq_errno()));
	exit(1);
}

static void recv_one(void *s, zmq_msg_t *msg, size_t size) {
	if (zmq_msg_recv(msg, s, 0) < 0)
		die("recv");
	if (zmq_msg_size(msg) != size) {
		fprintf(stderr, "zmqpeer: a message of %zu bytes, want %zu\n", zmq_msg_size(msg), size);
		exit(1);
	}
}

static void send_one(void *s, const char *payload, size_t size) {
	zmq_msg_t msg;
	if (zmq_msg_init_size(&msg, size) != 0)
		die("msg_init_size");
	memcpy(zmq_msg_data(&msg), payload, size);
	if (zmq_msg_send(&msg, s, 0) < 0)
		die("send");
}

int main(int argc, char **argv) {
	if (argc != 6) {
		fprintf(stderr, "usage: zmqpeer push|pull|req|rep bind|connect HOST:PORT COUNT SIZE\n");
		return 2;
	}
	const char *mode = argv[1], *how = argv[2], *addr = argv[3];
	long count = atol(argv[4]);
	size_t size = (size_t)atol(argv[5]);
	int type;
	if (!strcmp(mode, "push"))
		type = ZMQ_PUSH;
	else if (!strcmp(mode, "pull"))
		type = ZMQ_PULL;
	else if (!strcmp(mode, "req"))
		type = ZMQ_REQ;
	else if (!strcmp(mode, "rep"))
		type = ZMQ_REP;
	else {
		fprintf(stderr, "zmqpeer: unknown mode %s\n", mode);
		return 2;
	}
	void *ctx = zmq_ctx_new();
	void *s = zmq_socket(ctx, type);
	if (!s)
		die("socket");
	char ep[300];
	snprintf(ep, sizeof ep, "tcp://%s", addr);
	if (!strcmp(how, "bind")) {
		if (zmq_bind(s, ep) != 0)
			die("bind");
		char last[300];
		size_t len = sizeof last;
		if (zmq_getsockopt(s, ZMQ_LAST_ENDPOINT, last, &len) != 0)
			die("getsockopt ZMQ_LAST_ENDPOINT");
		const char *port = strrchr(last, ':');
		printf("port %s\n", port ? port + 1 : "?");
		fflush(stdout);
	} else if (zmq_connect(s, ep) != 0)
		die("connect");

	char *payload = malloc(size ? size : 1);
	memset(payload, 'x', size);
	zmq_msg_t msg;
	zmq_msg_init(&msg);
	long long t0, t1;
	switch (type) {
	case ZMQ_PULL:
		recv_one(s, &msg, size);
		t0 = now_ns();
		for (long i = 1; i < count; i++)
			recv_one(s, &msg, size);
		t1 = now_ns();
		printf("ns %lld\n", t1 - t0);
		break;
	case ZMQ_PUSH:
		for (long i = 0; i < count; i++)
			send_one(s, payload, size);
		break;
	case ZMQ_REP:
		for (long i = 0; i < count + 1; i++) { /* the warm-up request, then count */
			recv_one(s, &msg, size);
			send_one(s, payload, size);
		}
		break;
	case ZMQ_REQ:
		send_one(s, payload, size);
		recv_one(s, &msg, size);
		t0 = now_ns();
		for (long i = 0; i < count; i++) {
			send_one(s, payload, size);
			recv_one(s, &msg, size);
		}
		t1 = now_ns();
		printf("ns %lld\n", t1 - t0);
		break;
	}
	fflush(stdout);
	zmq_msg_close(&msg);
	int linger = -1; /* wait until everything sent is written */
	zmq_setsockopt(s, ZMQ_LINGER, &linger, sizeof linger);
	zmq_close(s);
	zmq_ctx_term(ctx);
	return 0;
}
