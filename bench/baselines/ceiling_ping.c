/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ceiling_ping: minimal single-threaded epoll NDJSON "ping" server on a Unix socket.
 * It is the machine's ceiling for lamp's socket path: no JSON parsing, id copied raw. */

#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#define READ_CHUNK 65536          /* initial per-connection read buffer */
#define MAX_LINE (1u << 20)       /* a line longer than this closes the connection */

struct conn {
    struct conn *prev, *next;     /* all open connections, to free them on exit */
    int fd;
    char *rbuf;                   /* unconsumed input (partial line at the front) */
    size_t rlen, rcap;
    char *wbuf;                   /* replies not yet written */
    size_t wlen, woff, wcap;
    int want_out;                 /* registered for EPOLLOUT (backpressure) */
};

static int epfd = -1;
static struct conn *conns;

static void die(const char *what)
{
    perror(what);
    exit(1);
}

static void usage(void)
{
    fprintf(stderr, "usage: ceiling_ping --socket PATH\n");
    exit(2);
}

static void conn_close(struct conn *c)
{
    if (c->prev)
        c->prev->next = c->next;
    else
        conns = c->next;
    if (c->next)
        c->next->prev = c->prev;
    epoll_ctl(epfd, EPOLL_CTL_DEL, c->fd, NULL);
    close(c->fd);
    free(c->rbuf);
    free(c->wbuf);
    free(c);
}

static int wbuf_reserve(struct conn *c, size_t extra)
{
    if (c->wlen + extra <= c->wcap)
        return 0;
    size_t cap = c->wcap ? c->wcap : 4096;
    while (cap < c->wlen + extra)
        cap *= 2;
    char *p = realloc(c->wbuf, cap);
    if (!p)
        return -1;
    c->wbuf = p;
    c->wcap = cap;
    return 0;
}

/* Find the raw text of the "id" member's value in [s, e). Not a JSON parser:
 * looks for the first `"id"` followed by optional blanks and ':'. */
static void find_id(const char *s, const char *e, const char **vs, size_t *vl)
{
    const char *p = s;
    while (e - p >= 5) {
        const char *q = memmem(p, (size_t)(e - p), "\"id\"", 4);
        if (!q)
            break;
        const char *v = q + 4;
        while (v < e && (*v == ' ' || *v == '\t'))
            v++;
        if (v < e && *v == ':') {
            v++;
            while (v < e && (*v == ' ' || *v == '\t'))
                v++;
            const char *t = v;
            if (t < e && *t == '"') {          /* string id: up to the closing quote */
                t++;
                while (t < e && *t != '"') {
                    if (*t == '\\' && t + 1 < e)
                        t++;
                    t++;
                }
                if (t < e)
                    t++;
            } else {
                while (t < e && *t != ',' && *t != '}')
                    t++;
                while (t > v && (t[-1] == ' ' || t[-1] == '\t' || t[-1] == '\r'))
                    t--;
            }
            if (t > v) {
                *vs = v;
                *vl = (size_t)(t - v);
                return;
            }
        }
        p = q + 4;
    }
    *vs = "null";
    *vl = 4;
}

static const char PRE[] = "{\"jsonrpc\":\"2.0\",\"id\":";
static const char POST[] = ",\"result\":\"pong\"}\n";

/* Turn every complete line in rbuf into a reply appended to wbuf. */
static int process_lines(struct conn *c)
{
    char *s = c->rbuf, *end = c->rbuf + c->rlen;
    for (;;) {
        char *nl = memchr(s, '\n', (size_t)(end - s));
        if (!nl)
            break;
        if (nl > s && !(nl == s + 1 && s[0] == '\r')) {
            const char *v;
            size_t vl;
            find_id(s, nl, &v, &vl);
            if (wbuf_reserve(c, sizeof PRE - 1 + vl + sizeof POST - 1))
                return -1;
            char *w = c->wbuf + c->wlen;
            memcpy(w, PRE, sizeof PRE - 1);
            w += sizeof PRE - 1;
            memcpy(w, v, vl);
            w += vl;
            memcpy(w, POST, sizeof POST - 1);
            w += sizeof POST - 1;
            c->wlen = (size_t)(w - c->wbuf);
        }
        s = nl + 1;
    }
    size_t rest = (size_t)(end - s);
    if (rest && s != c->rbuf)
        memmove(c->rbuf, s, rest);
    c->rlen = rest;
    return 0;
}

static void set_events(struct conn *c, int want_out)
{
    if (c->want_out == want_out)
        return;
    struct epoll_event ev = { .events = want_out ? EPOLLOUT : EPOLLIN, .data.ptr = c };
    epoll_ctl(epfd, EPOLL_CTL_MOD, c->fd, &ev);
    c->want_out = want_out;
}

/* Write pending replies. Returns 0 when all written, 1 when blocked, -1 on error. */
static int flush_out(struct conn *c)
{
    while (c->woff < c->wlen) {
        ssize_t n = write(c->fd, c->wbuf + c->woff, c->wlen - c->woff);
        if (n > 0) {
            c->woff += (size_t)n;
        } else if (n < 0 && errno == EINTR) {
            continue;
        } else if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return 1;
        } else {
            return -1;
        }
    }
    c->wlen = c->woff = 0;
    return 0;
}

static void on_readable(struct conn *c)
{
    for (;;) {
        if (c->rlen == c->rcap) {
            if (c->rcap >= MAX_LINE) {
                conn_close(c);
                return;
            }
            char *p = realloc(c->rbuf, c->rcap * 2);
            if (!p) {
                conn_close(c);
                return;
            }
            c->rbuf = p;
            c->rcap *= 2;
        }
        size_t space = c->rcap - c->rlen;
        ssize_t n = read(c->fd, c->rbuf + c->rlen, space);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK))
            return;
        if (n <= 0) {
            conn_close(c);
            return;
        }
        c->rlen += (size_t)n;
        if (process_lines(c)) {
            conn_close(c);
            return;
        }
        int r = flush_out(c);           /* all replies of this read in one write */
        if (r < 0) {
            conn_close(c);
            return;
        }
        if (r > 0) {                    /* peer not reading: stop reading until drained */
            set_events(c, 1);
            return;
        }
        if ((size_t)n < space)          /* socket drained; level-triggered epoll re-arms */
            return;
    }
}

static void on_writable(struct conn *c)
{
    int r = flush_out(c);
    if (r < 0) {
        conn_close(c);
        return;
    }
    if (r == 0) {
        set_events(c, 0);
        on_readable(c);                 /* input may have queued while we were blocked */
    }
}

static void on_accept(int lfd)
{
    for (;;) {
        int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno == EINTR || errno == ECONNABORTED)
                continue;
            if (errno != EAGAIN && errno != EWOULDBLOCK)
                perror("accept4");
            return;
        }
        struct conn *c = calloc(1, sizeof *c);
        if (!c || !(c->rbuf = malloc(READ_CHUNK))) {
            free(c);
            close(fd);
            continue;
        }
        c->fd = fd;
        c->rcap = READ_CHUNK;
        struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
        if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
            free(c->rbuf);
            free(c);
            close(fd);
            continue;
        }
        c->next = conns;
        if (conns)
            conns->prev = c;
        conns = c;
    }
}

/* Refuse to steal a live socket; remove a stale one. */
static void clear_stale(const struct sockaddr_un *sa)
{
    struct stat st;
    if (lstat(sa->sun_path, &st) < 0)
        return;
    if (!S_ISSOCK(st.st_mode)) {
        fprintf(stderr, "ceiling_ping: %s exists and is not a socket\n", sa->sun_path);
        exit(1);
    }
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd >= 0 && connect(fd, (const struct sockaddr *)sa, sizeof *sa) == 0) {
        fprintf(stderr, "ceiling_ping: %s is in use by a running server\n", sa->sun_path);
        exit(1);
    }
    if (fd >= 0)
        close(fd);
    unlink(sa->sun_path);
}

int main(int argc, char **argv)
{
    const char *path = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--socket") && i + 1 < argc)
            path = argv[++i];
        else
            usage();
    }
    if (!path)
        usage();

    struct sockaddr_un sa = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof sa.sun_path) {
        fprintf(stderr, "ceiling_ping: socket path too long\n");
        return 1;
    }
    strcpy(sa.sun_path, path);

    signal(SIGPIPE, SIG_IGN);
    sigset_t mask;
    sigemptyset(&mask);
    sigaddset(&mask, SIGINT);
    sigaddset(&mask, SIGTERM);
    if (sigprocmask(SIG_BLOCK, &mask, NULL) < 0)
        die("sigprocmask");
    int sfd = signalfd(-1, &mask, SFD_NONBLOCK | SFD_CLOEXEC);
    if (sfd < 0)
        die("signalfd");

    clear_stale(&sa);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
    if (lfd < 0)
        die("socket");
    if (bind(lfd, (struct sockaddr *)&sa, sizeof sa) < 0)
        die("bind");
    if (listen(lfd, SOMAXCONN) < 0) {
        unlink(path);
        die("listen");
    }

    epfd = epoll_create1(EPOLL_CLOEXEC);
    if (epfd < 0)
        die("epoll_create1");
    /* The listener and the signalfd are told apart from connections by these tags. */
    static int lfd_tag, sfd_tag;
    struct epoll_event ev = { .events = EPOLLIN, .data.ptr = &lfd_tag };
    epoll_ctl(epfd, EPOLL_CTL_ADD, lfd, &ev);
    ev.data.ptr = &sfd_tag;
    epoll_ctl(epfd, EPOLL_CTL_ADD, sfd, &ev);

    printf("READY\n");
    fflush(stdout);

    struct epoll_event evs[256];
    int status = 1;
    for (;;) {
        int n = epoll_wait(epfd, evs, 256, -1);
        if (n < 0) {
            if (errno == EINTR)
                continue;
            perror("epoll_wait");
            goto out;
        }
        for (int i = 0; i < n; i++) {
            void *p = evs[i].data.ptr;
            if (p == &lfd_tag) {
                on_accept(lfd);
            } else if (p == &sfd_tag) {
                status = 0;
                goto out;
            } else {
                struct conn *c = p;
                uint32_t e = evs[i].events;
                if (c->want_out) {
                    if (e & (EPOLLOUT | EPOLLERR | EPOLLHUP))
                        on_writable(c);
                } else if (e & (EPOLLIN | EPOLLERR | EPOLLHUP)) {
                    on_readable(c);
                }
            }
        }
    }
out:
    unlink(path);
    while (conns)
        conn_close(conns);
    close(lfd);
    close(sfd);
    close(epfd);
    return status;
}
