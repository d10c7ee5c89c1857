/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ping_load: closed-loop JSON-RPC "ping" load generator for a Unix-socket NDJSON server.
 * Checks every reply's id and result, records per-request latency, prints req/s and percentiles. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#define MAX_PIPELINE 1024
#define ID_STRIDE 1000000000ULL  /* client c uses ids (c+1)*ID_STRIDE + 1, +2, ... */

struct pending {
    uint64_t id;
    uint64_t t_send;
};

struct client {
    int fd;
    int alive;
    uint64_t id_base, seq;
    struct pending *ring;         /* in-flight requests: a ring of `pipeline` slots */
    unsigned head, count;
    char *rbuf;
    size_t rlen, rcap;
    char *wbuf;                   /* request bytes the socket did not take yet */
    size_t wlen, woff, wcap;
    int want_out;
};

struct worker {
    pthread_t tid;
    int epfd;
    struct client *clients;
    int nclients;
    uint32_t *lat;                /* latencies (ns) completed after warmup */
    size_t nlat, caplat;
    uint64_t total_done;          /* replies incl. warmup */
    uint64_t mismatches, lost, conn_errors;
};

static struct {
    const char *socket, *cdf;
    int clients, threads, pipeline, json, spin;
    double seconds;
    long warmup_ms, timeout_ms;
} opt = { .clients = 1, .threads = 1, .pipeline = 1, .seconds = 1.0, .warmup_ms = -1, .timeout_ms = 1000 };

static uint64_t t_start, t_warm, t_end, timeout_ns;

static inline uint64_t now_ns(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

static void usage(void)
{
    fprintf(stderr,
            "usage: ping_load --socket PATH [--clients N] [--seconds S] [--warmup-ms W]\n"
            "                 [--pipeline P] [--threads T] [--timeout-ms MS] [--spin] [--json]\n"
            "                 [--cdf FILE]\n"
            "  S is the whole run (fractions allowed); the first W ms of it are not recorded\n"
            "  (default W = min(200, S*250)). A reply outstanding longer than MS (default\n"
            "  1000) counts as lost. --spin polls instead of sleeping (burns a CPU). --cdf writes the\n"
            "  latency distribution to FILE, 201 lines \"FRACTION LATENCY_US\" (0, 0.005, .., 1).\n"
            "  Exit status 1 on any error or when nothing completed, 2 on usage or connect errors.\n");
    exit(2);
}

static void oom(void)
{
    fprintf(stderr, "ping_load: out of memory\n");
    exit(2);
}

/* ---- request sending ------------------------------------------------------ */

static char *put_u64(char *p, uint64_t v)
{
    char tmp[24];
    int n = 0;
    do {
        tmp[n++] = (char)('0' + v % 10);
        v /= 10;
    } while (v);
    while (n)
        *p++ = tmp[--n];
    return p;
}

static void client_close(struct worker *w, struct client *c)
{
    if (!c->alive)
        return;
    epoll_ctl(w->epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    c->alive = 0;
}

static void set_out(struct worker *w, struct client *c, int want)
{
    if (c->want_out == want)
        return;
    struct epoll_event ev = { .events = EPOLLIN | (want ? EPOLLOUT : 0), .data.ptr = c };
    epoll_ctl(w->epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want;
}

static int flush_out(struct worker *w, struct client *c)
{
    while (c->woff < c->wlen) {
        ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
        if (n > 0) {
            c->woff += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            set_out(w, c, 1);
            return 0;
        } else {
            return -1;
        }
    }
    c->wlen = c->woff = 0;
    set_out(w, c, 0);
    return 0;
}

/* Top the client up to `pipeline` requests in flight, all in one write. */
static int fill_pipeline(struct worker *w, struct client *c)
{
    static const char pre[] = "{\"jsonrpc\":\"2.0\",\"id\":";
    static const char post[] = ",\"method\":\"ping\"}\n";
    unsigned want = (unsigned)opt.pipeline - c->count;
    if (!want)
        return 0;
    size_t need = c->wlen + (size_t)want * (sizeof pre + sizeof post + 24);
    if (need > c->wcap) {
        size_t cap = c->wcap ? c->wcap : 256;
        while (cap < need)
            cap *= 2;
        char *p = realloc(c->wbuf, cap);
        if (!p)
            oom();
        c->wbuf = p;
        c->wcap = cap;
    }
    char *p = c->wbuf + c->wlen;
    uint64_t t = now_ns();
    for (unsigned i = 0; i < want; i++) {
        uint64_t id = c->id_base + ++c->seq;
        memcpy(p, pre, sizeof pre - 1);
        p = put_u64(p + sizeof pre - 1, id);
        memcpy(p, post, sizeof post - 1);
        p += sizeof post - 1;
        struct pending *q = &c->ring[(c->head + c->count) % (unsigned)opt.pipeline];
        q->id = id;
        q->t_send = t;
        c->count++;
    }
    c->wlen = (size_t)(p - c->wbuf);
    if (c->want_out)              /* still blocked: EPOLLOUT will send it */
        return 0;
    return flush_out(w, c);
}

/* ---- reply checking ------------------------------------------------------- */

static const char *skip_ws(const char *p, const char *e)
{
    while (p < e && (*p == ' ' || *p == '\t' || *p == '\r'))
        p++;
    return p;
}

/* Value start of member `key` (quoted, e.g. "\"id\"") in [s,e), or NULL. */
static const char *member(const char *s, const char *e, const char *key, size_t klen)
{
    const char *p = s;
    while (p < e) {
        const char *q = memmem(p, (size_t)(e - p), key, klen);
        if (!q)
            return NULL;
        const char *v = skip_ws(q + klen, e);
        if (v < e && *v == ':')
            return skip_ws(v + 1, e);
        p = q + klen;
    }
    return NULL;
}

/* Parses the reply's integer id; returns 0 when absent or not a plain integer. */
static int reply_id(const char *s, const char *e, uint64_t *id)
{
    const char *v = member(s, e, "\"id\"", 4);
    if (!v || v >= e || *v < '0' || *v > '9')
        return 0;
    uint64_t x = 0;
    while (v < e && *v >= '0' && *v <= '9')
        x = x * 10 + (uint64_t)(*v++ - '0');
    v = skip_ws(v, e);
    if (v < e && *v != ',' && *v != '}')
        return 0;
    *id = x;
    return 1;
}

static int reply_is_pong(const char *s, const char *e)
{
    const char *v = member(s, e, "\"result\"", 8);
    return v && e - v >= 6 && !memcmp(v, "\"pong\"", 6);
}

static void record(struct worker *w, uint64_t t_send, uint64_t t_recv)
{
    w->total_done++;
    if (t_recv < t_warm || t_recv > t_end)
        return;
    if (w->nlat == w->caplat) {
        w->caplat = w->caplat ? w->caplat * 2 : 1 << 16;
        w->lat = realloc(w->lat, w->caplat * sizeof *w->lat);
        if (!w->lat)
            oom();
    }
    uint64_t d = t_recv - t_send;
    w->lat[w->nlat++] = d > UINT32_MAX ? UINT32_MAX : (uint32_t)d;
}

static void handle_reply(struct worker *w, struct client *c, const char *s, const char *e, uint64_t t)
{
    unsigned P = (unsigned)opt.pipeline;
    uint64_t id;
    int ok = reply_id(s, e, &id) && reply_is_pong(s, e);
    if (c->count == 0) {          /* a reply nobody asked for */
        if (w->mismatches++ < 5)
            fprintf(stderr, "ping_load: unexpected reply: %.*s\n", (int)(e - s > 200 ? 200 : e - s), s);
        return;
    }
    struct pending *h = &c->ring[c->head];
    if (ok && h->id == id) {
        record(w, h->t_send, t);
        c->head = (c->head + 1) % P;
        c->count--;
        return;
    }
    if (ok) {                     /* out of order is allowed: look further down the ring */
        for (unsigned i = 1; i < c->count; i++) {
            struct pending *q = &c->ring[(c->head + i) % P];
            if (q->id == id) {
                record(w, q->t_send, t);
                *q = *h;          /* the oldest moves into the freed slot; then pop the head */
                c->head = (c->head + 1) % P;
                c->count--;
                return;
            }
        }
    }
    if (w->mismatches < 5) {
        int len = (int)(e - s > 200 ? 200 : e - s);
        fprintf(stderr, "ping_load: bad reply (expected id %" PRIu64 "): %.*s\n", h->id, len, s);
    }
    w->mismatches++;              /* take it as the answer to the oldest so the loop goes on */
    c->head = (c->head + 1) % P;
    c->count--;
}

static int on_readable(struct worker *w, struct client *c)
{
    for (;;) {
        if (c->rcap - c->rlen < 512) {
            char *p = realloc(c->rbuf, c->rcap * 2);
            if (!p)
                oom();
            c->rbuf = p;
            c->rcap *= 2;
        }
        size_t space = c->rcap - c->rlen;
        ssize_t n = read(c->fd, c->rbuf + c->rlen, space);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return 0;
        if (n <= 0)
            return -1;
        uint64_t t = now_ns();
        c->rlen += (size_t)n;
        char *s = c->rbuf, *end = c->rbuf + c->rlen;
        for (;;) {
            char *nl = memchr(s, '\n', (size_t)(end - s));
            if (!nl)
                break;
            if (nl > s)
                handle_reply(w, c, s, nl, t);
            s = nl + 1;
        }
        c->rlen = (size_t)(end - s);
        if (c->rlen && s != c->rbuf)
            memmove(c->rbuf, s, c->rlen);
        if ((size_t)n < space)
            return 0;
    }
}

/* A connection given up: every request it still had in flight is lost. A timeout counts
 * only the lost replies; a failed socket also counts a connection error. */
static void client_failed(struct worker *w, struct client *c, const char *why, int conn_error)
{
    if (!c->alive)
        return;
    if (w->conn_errors + w->lost < 5)
        fprintf(stderr, "ping_load: connection %d: %s (%u in flight)\n",
                (int)(c->id_base / ID_STRIDE), why, c->count);
    w->conn_errors += (uint64_t)conn_error;
    w->lost += c->count;
    c->count = 0;
    client_close(w, c);
}

static void check_timeouts(struct worker *w, uint64_t t)
{
    for (int i = 0; i < w->nclients; i++) {
        struct client *c = &w->clients[i];
        if (!c->alive || !c->count)
            continue;
        uint64_t oldest = UINT64_MAX;
        for (unsigned k = 0; k < c->count; k++) {
            uint64_t ts = c->ring[(c->head + k) % (unsigned)opt.pipeline].t_send;
            if (ts < oldest)
                oldest = ts;
        }
        if (t - oldest > timeout_ns)
            client_failed(w, c, "reply timed out", 0);
    }
}

static void *worker_run(void *arg)
{
    struct worker *w = arg;
    for (int i = 0; i < w->nclients; i++) {
        struct client *c = &w->clients[i];
        if (fill_pipeline(w, c) < 0)
            client_failed(w, c, "write failed", 1);
    }
    struct epoll_event evs[512];
    uint64_t next_check = now_ns() + 100000000ULL;
    for (;;) {
        uint64_t t = now_ns();
        if (t >= t_end)
            break;
        if (t >= next_check) {
            check_timeouts(w, t);
            next_check = t + 100000000ULL;
        }
        uint64_t until = t_end < next_check ? t_end : next_check;
        int ms = (int)((until - t + 999999) / 1000000);
        int n = epoll_wait(w->epfd, evs, 512, opt.spin ? 0 : ms);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("epoll_wait");
            exit(2);
        }
        for (int i = 0; i < n; i++) {
            struct client *c = evs[i].data.ptr;
            if (!c->alive)
                continue;
            uint32_t e = evs[i].events;
            if ((e & EPOLLOUT) && flush_out(w, c) < 0) {
                client_failed(w, c, "write failed", 1);
                continue;
            }
            if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                if (on_readable(w, c) < 0) {
                    client_failed(w, c, "closed by server", 1);
                    continue;
                }
                if (fill_pipeline(w, c) < 0)
                    client_failed(w, c, "write failed", 1);
            }
        }
    }
    /* At the deadline, requests in flight for less than the timeout are simply abandoned. */
    check_timeouts(w, now_ns());
    for (int i = 0; i < w->nclients; i++)
        client_close(w, &w->clients[i]);
    return NULL;
}

/* ---- setup and report ----------------------------------------------------- */

static int connect_one(const struct sockaddr_un *sa)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    while (connect(fd, (const struct sockaddr *)sa, sizeof *sa) < 0) {
        if (errno == EAGAIN && now_ns() < t_end) {  /* backlog full: retry until the deadline */
            struct timespec ts = { 0, 1000000 };
            nanosleep(&ts, NULL);
            continue;
        }
        if (errno == EINTR)
            continue;
        close(fd);
        return -1;
    }
    return fd;
}

static void radix_sort(uint32_t *a, size_t n)
{
    uint32_t *tmp = malloc(n * sizeof *a);
    if (!tmp)
        oom();
    uint32_t *src = a, *dst = tmp;
    for (int shift = 0; shift < 32; shift += 8) {
        size_t cnt[257] = { 0 };
        for (size_t i = 0; i < n; i++)
            cnt[((src[i] >> shift) & 0xff) + 1]++;
        for (int b = 0; b < 256; b++)
            cnt[b + 1] += cnt[b];
        for (size_t i = 0; i < n; i++)
            dst[cnt[(src[i] >> shift) & 0xff]++] = src[i];
        uint32_t *x = src;
        src = dst;
        dst = x;
    }
    free(tmp);                    /* four passes: the result is back in a */
}

static double pct_us(const uint32_t *a, size_t n, double p)
{
    if (!n)
        return 0.0;
    size_t k = (size_t)ceil(p * (double)n);
    if (k < 1)
        k = 1;
    if (k > n)
        k = n;
    return a[k - 1] / 1000.0;
}

static long parse_long(const char *s, long lo, long hi)
{
    char *end;
    errno = 0;
    long v = strtol(s, &end, 10);
    if (errno || *end || end == s || v < lo || v > hi)
        usage();
    return v;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--socket") && has) {
            opt.socket = argv[++i];
        } else if (!strcmp(a, "--clients") && has) {
            opt.clients = (int)parse_long(argv[++i], 1, 100000);
        } else if (!strcmp(a, "--threads") && has) {
            opt.threads = (int)parse_long(argv[++i], 1, 256);
        } else if (!strcmp(a, "--pipeline") && has) {
            opt.pipeline = (int)parse_long(argv[++i], 1, MAX_PIPELINE);
        } else if (!strcmp(a, "--warmup-ms") && has) {
            opt.warmup_ms = parse_long(argv[++i], 0, 86400000);
        } else if (!strcmp(a, "--timeout-ms") && has) {
            opt.timeout_ms = parse_long(argv[++i], 1, 86400000);
        } else if (!strcmp(a, "--seconds") && has) {
            char *end;
            opt.seconds = strtod(argv[++i], &end);
            if (*end || !(opt.seconds > 0 && opt.seconds <= 86400))
                usage();
        } else if (!strcmp(a, "--spin")) {
            opt.spin = 1;
        } else if (!strcmp(a, "--json")) {
            opt.json = 1;
        } else if (!strcmp(a, "--cdf") && has) {
            opt.cdf = argv[++i];
        } else {
            usage();
        }
    }
    if (!opt.socket)
        usage();
    if (opt.threads > opt.clients)
        opt.threads = opt.clients;
    long run_ms = (long)(opt.seconds * 1000.0);
    if (opt.warmup_ms < 0)
        opt.warmup_ms = run_ms / 4 < 200 ? run_ms / 4 : 200;
    if (opt.warmup_ms >= run_ms) {
        fprintf(stderr, "ping_load: --warmup-ms must be shorter than --seconds\n");
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);

    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(opt.socket) >= sizeof sa.sun_path) {
        fprintf(stderr, "ping_load: socket path too long\n");
        return 2;
    }
    strcpy(sa.sun_path, opt.socket);

    /* The hard deadline covers connecting too. */
    t_start = now_ns();
    t_end = t_start + (uint64_t)(opt.seconds * 1e9);
    timeout_ns = (uint64_t)opt.timeout_ms * 1000000ULL;

    struct worker *ws = calloc((size_t)opt.threads, sizeof *ws);
    struct client *cs = calloc((size_t)opt.clients, sizeof *cs);
    if (!ws || !cs)
        oom();
    for (int t = 0; t < opt.threads; t++) {
        ws[t].epfd = epoll_create1(EPOLL_CLOEXEC);
        if (ws[t].epfd < 0) {
            perror("epoll_create1");
            return 2;
        }
    }
    /* Clients are split into contiguous blocks, one per thread. */
    int per = opt.clients / opt.threads, extra = opt.clients % opt.threads, idx = 0;
    for (int t = 0; t < opt.threads; t++) {
        ws[t].clients = &cs[idx];
        ws[t].nclients = per + (t < extra);
        idx += ws[t].nclients;
    }
    for (int t = 0; t < opt.threads; t++) {
        for (int i = 0; i < ws[t].nclients; i++) {
            struct client *c = &ws[t].clients[i];
            int ci = (int)(c - cs);
            c->fd = connect_one(&sa);
            if (c->fd < 0) {
                fprintf(stderr, "ping_load: connect %s (client %d): %s\n", opt.socket, ci, strerror(errno));
                return 2;
            }
            c->alive = 1;
            c->id_base = (uint64_t)(ci + 1) * ID_STRIDE;
            c->ring = calloc((size_t)opt.pipeline, sizeof *c->ring);
            c->rcap = 4096;
            c->rbuf = malloc(c->rcap);
            if (!c->ring || !c->rbuf)
                oom();
            struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
            if (epoll_ctl(ws[t].epfd, EPOLL_CTL_ADD, c->fd, &ev) < 0) {
                perror("epoll_ctl");
                return 2;
            }
        }
    }
    /* Warmup starts once everyone is connected. */
    t_warm = now_ns() + (uint64_t)opt.warmup_ms * 1000000ULL;
    if (t_warm >= t_end) {
        fprintf(stderr, "ping_load: connecting took the whole run\n");
        return 1;
    }

    if (opt.threads == 1) {
        worker_run(&ws[0]);
    } else {
        for (int t = 0; t < opt.threads; t++)
            if (pthread_create(&ws[t].tid, NULL, worker_run, &ws[t])) {
                fprintf(stderr, "ping_load: pthread_create failed\n");
                return 2;
            }
        for (int t = 0; t < opt.threads; t++)
            pthread_join(ws[t].tid, NULL);
    }

    size_t n = 0;
    uint64_t mism = 0, lost = 0, cerr = 0, total = 0;
    for (int t = 0; t < opt.threads; t++) {
        n += ws[t].nlat;
        mism += ws[t].mismatches;
        lost += ws[t].lost;
        cerr += ws[t].conn_errors;
        total += ws[t].total_done;
    }
    uint32_t *lat = malloc((n ? n : 1) * sizeof *lat);
    if (!lat)
        oom();
    size_t k = 0;
    for (int t = 0; t < opt.threads; t++) {
        if (ws[t].nlat)
            memcpy(lat + k, ws[t].lat, ws[t].nlat * sizeof *lat);
        k += ws[t].nlat;
    }
    radix_sort(lat, n);
    double dur = (double)(t_end - t_warm) / 1e9;
    double rps = (double)n / dur;
    double p50 = pct_us(lat, n, 0.50), p90 = pct_us(lat, n, 0.90), p99 = pct_us(lat, n, 0.99);
    double pmax = n ? lat[n - 1] / 1000.0 : 0.0;
    uint64_t errors = mism + lost + cerr;
    /* The generator's own CPU use (all threads) over the whole run: near 100% per thread means
     * it, not the server, may be the limit. */
    struct rusage ru;
    getrusage(RUSAGE_SELF, &ru);
    double cpu_s = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 +
                   (double)ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6;
    double cpu_pct = 100.0 * cpu_s / ((double)(now_ns() - t_start) / 1e9);

    if (opt.cdf && n) {
        FILE *f = fopen(opt.cdf, "w");
        if (!f) {
            perror(opt.cdf);
        } else {
            for (int q = 0; q <= 200; q++)
                fprintf(f, "%.3f %.2f\n", q / 200.0, q == 200 ? pmax : pct_us(lat, n, q / 200.0));
            fclose(f);
        }
    }
    if (opt.json) {
        printf("{\"clients\":%d,\"threads\":%d,\"pipeline\":%d,\"seconds\":%.3f,\"warmup_ms\":%ld,"
               "\"measured_s\":%.3f,\"requests\":%zu,\"rps\":%.1f,\"p50_us\":%.2f,\"p90_us\":%.2f,"
               "\"p99_us\":%.2f,\"max_us\":%.2f,\"errors\":%" PRIu64 ",\"mismatches\":%" PRIu64
               ",\"lost\":%" PRIu64 ",\"conn_errors\":%" PRIu64 ",\"load_cpu_s\":%.3f,\"load_cpu_pct\":%.0f}\n",
               opt.clients, opt.threads, opt.pipeline, opt.seconds, opt.warmup_ms, dur, n, rps,
               p50, p90, p99, pmax, errors, mism, lost, cerr, cpu_s, cpu_pct);
    } else {
        printf("socket     %s\n", opt.socket);
        printf("clients    %d (threads %d, pipeline %d)\n", opt.clients, opt.threads, opt.pipeline);
        printf("measured   %.3f s after %ld ms warmup\n", dur, opt.warmup_ms);
        printf("requests   %zu (%" PRIu64 " incl. warmup)\n", n, total);
        printf("req/s      %.1f\n", rps);
        printf("latency us p50 %.2f  p90 %.2f  p99 %.2f  max %.2f\n", p50, p90, p99, pmax);
        printf("errors     %" PRIu64 " (mismatched %" PRIu64 ", lost %" PRIu64 ", connections %" PRIu64 ")\n",
               errors, mism, lost, cerr);
        printf("load cpu   %.0f%% (this generator, all threads)\n", cpu_pct);
    }
    int status = 0;
    if (errors) {
        fprintf(stderr, "ping_load: %" PRIu64 " errors\n", errors);
        status = 1;
    } else if (!n) {
        fprintf(stderr, "ping_load: no request completed\n");
        status = 1;
    }
    for (int i = 0; i < opt.clients; i++) {
        free(cs[i].ring);
        free(cs[i].rbuf);
        free(cs[i].wbuf);
    }
    for (int t = 0; t < opt.threads; t++) {
        close(ws[t].epfd);
        free(ws[t].lat);
    }
    free(lat);
    free(cs);
    free(ws);
    return status;
}
