// wren_netlink: the smallest native part of Wren's rtnetlink transport (docs/fib.md).
//
// Node has no AF_NETLINK sockets, so this shim does only what JavaScript cannot: open a
// NETLINK_ROUTE socket (optionally inside a named network namespace), send a buffer that holds
// many requests, and hand back the datagrams the kernel queued. Every message is built and read
// in TypeScript (src/fib/netlink/); nothing here knows a route from an address.
//
// Why the send runs on the libuv thread pool (napi_async_work) rather than on the main thread:
// the kernel handles rtnetlink requests inside sendmsg() itself (netlink_unicast_kernel() calls
// rtnetlink_rcv() in the sender's context), about 4 us per route. A batch of 1000 routes would
// block the event loop for ~4 ms, and JavaScript could not encode the next batch meanwhile. On the
// pool thread the kernel works while the main thread encodes. For the same reason every reply to
// a batch is queued when sendmsg() returns, so the worker drains the socket right after it
// (MSG_DONTWAIT until EAGAIN); a dump goes on the same way, as each recvmsg() makes the kernel fill
// the next part (netlink_recvmsg() -> netlink_dump()).
//
// Multicast (the route monitor) uses uv_poll on the main thread instead: waiting for events would
// hold a pool thread forever, and the pool is shared with DNS and the file system.
//
// Namespaces: a socket keeps the network namespace it was created in, so the socket is created on
// a short-lived thread that setns()es into /var/run/netns/NAME and then ends. The main thread never
// changes namespace, so there is no "switch back" that could fail and leave it in the wrong one.

#define _GNU_SOURCE
#define NAPI_VERSION 8
#include <errno.h>
#include <fcntl.h>
#include <linux/netlink.h>
#include <node_api.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <uv.h>

// Room kept free for one datagram. Dump datagrams are at most 32 KiB (netlink_recvmsg() caps
// max_recvmsg_len at SKB_WITH_OVERHEAD(32768)); replies to requests are far smaller.
#define RECV_SLICE 65536

#define CHECK(env, call)                                                                        \
  do {                                                                                          \
    if ((call) != napi_ok) {                                                                    \
      napi_throw_error((env), "EINVAL", "wren_netlink: bad arguments or N-API failure: " #call); \
      return NULL;                                                                              \
    }                                                                                           \
  } while (0)

static napi_value make_error(napi_env env, int err, const char *what) {
  char text[256];
  const char *name = strerrorname_np(err);
  napi_value code, msg, error, number;
  snprintf(text, sizeof text, "netlink %s: %s", what, strerror(err));
  napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_create_int32(env, err, &number);
  napi_set_named_property(env, error, "errno", number);
  return error;
}

static napi_value throw_errno(napi_env env, int err, const char *what) {
  napi_throw(env, make_error(env, err, what));
  return NULL;
}

static int prop_int(napi_env env, napi_value obj, const char *name, int fallback) {
  napi_value v;
  napi_valuetype t;
  int32_t out;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok || napi_typeof(env, v, &t) != napi_ok || t != napi_number) return fallback;
  return napi_get_value_int32(env, v, &out) == napi_ok ? out : fallback;
}

static int prop_bool(napi_env env, napi_value obj, const char *name) {
  napi_value v;
  bool out = false;
  if (napi_get_named_property(env, obj, name, &v) != napi_ok) return 0;
  return napi_get_value_bool(env, v, &out) == napi_ok && out;
}

static void set_int(napi_env env, napi_value obj, const char *name, int value) {
  napi_value v;
  napi_create_int32(env, value, &v);
  napi_set_named_property(env, obj, name, v);
}

static void set_bool(napi_env env, napi_value obj, const char *name, int value) {
  napi_value v;
  napi_get_boolean(env, value != 0, &v);
  napi_set_named_property(env, obj, name, v);
}

// ---- open ----------------------------------------------------------------------------------

struct open_request {
  char netns[256];
  int fd;
  int err;
  char step[600];
};

static void *open_socket(void *arg) {
  struct open_request *r = arg;
  if (r->netns[0] != '\0') {
    char path[300];
    snprintf(path, sizeof path, "/var/run/netns/%s", r->netns);
    int ns = open(path, O_RDONLY | O_CLOEXEC);
    if (ns < 0) {
      r->err = errno;
      snprintf(r->step, sizeof r->step, "netns %s: open %s", r->netns, path);
      return NULL;
    }
    // Only this thread moves; it ends right after, taking its namespace with it.
    if (setns(ns, CLONE_NEWNET) < 0) {
      r->err = errno;
      snprintf(r->step, sizeof r->step, "netns %s: setns", r->netns);
      close(ns);
      return NULL;
    }
    close(ns);
  }
  r->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE);
  if (r->fd < 0) {
    r->err = errno;
    snprintf(r->step, sizeof r->step, "socket");
  }
  return NULL;
}

static int set_flag(int fd, int option) {
  int one = 1;
  return setsockopt(fd, SOL_NETLINK, option, &one, sizeof one) == 0;
}

// SO_*BUFFORCE (CAP_NET_ADMIN) passes net.core.[rw]mem_max; without it the plain option is capped.
static int set_buffer(int fd, int force, int plain, int bytes) {
  int out = 0;
  socklen_t len = sizeof out;
  if (bytes > 0 && setsockopt(fd, SOL_SOCKET, force, &bytes, sizeof bytes) < 0) setsockopt(fd, SOL_SOCKET, plain, &bytes, sizeof bytes);
  getsockopt(fd, SOL_SOCKET, plain, &out, &len);
  return out;
}

// open({ netns?, groups?: number[], extAck?, capAck?, strictCheck?, bufferBytes? })
//   -> { fd, portId, receiveBuffer, sendBuffer, extAck, capAck, strictCheck }
static napi_value js_open(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1], v, result;
  napi_valuetype t;
  struct open_request r = {.fd = -1};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, argc == 1 ? napi_ok : napi_invalid_arg);
  if (napi_get_named_property(env, argv[0], "netns", &v) == napi_ok && napi_typeof(env, v, &t) == napi_ok && t == napi_string) {
    size_t n = 0;
    CHECK(env, napi_get_value_string_utf8(env, v, r.netns, sizeof r.netns, &n));
    // A name, never a path: ip-netns(8) keeps them all in /var/run/netns.
    if (n == 0 || n >= sizeof r.netns - 1 || strchr(r.netns, '/') || !strcmp(r.netns, ".") || !strcmp(r.netns, "..")) return throw_errno(env, EINVAL, "netns name");
  }
  if (r.netns[0] != '\0') {
    pthread_t thread;
    int err = pthread_create(&thread, NULL, open_socket, &r);
    if (err != 0) return throw_errno(env, err, "pthread_create");
    pthread_join(thread, NULL);
  } else {
    open_socket(&r);
  }
  if (r.fd < 0) return throw_errno(env, r.err, r.step);

  struct sockaddr_nl local = {.nl_family = AF_NETLINK};
  socklen_t len = sizeof local;
  if (bind(r.fd, (struct sockaddr *)&local, sizeof local) < 0 || getsockname(r.fd, (struct sockaddr *)&local, &len) < 0) {
    int err = errno;
    close(r.fd);
    return throw_errno(env, err, "bind");
  }
  // Optional features: older kernels lack them, and the caller is told which took.
  int ext = prop_bool(env, argv[0], "extAck") && set_flag(r.fd, NETLINK_EXT_ACK);
  int cap = prop_bool(env, argv[0], "capAck") && set_flag(r.fd, NETLINK_CAP_ACK);
  int strict = prop_bool(env, argv[0], "strictCheck") && set_flag(r.fd, NETLINK_GET_STRICT_CHK);
  int bytes = prop_int(env, argv[0], "bufferBytes", 0);
  int rcv = set_buffer(r.fd, SO_RCVBUFFORCE, SO_RCVBUF, bytes);
  int snd = set_buffer(r.fd, SO_SNDBUFFORCE, SO_SNDBUF, bytes);

  bool is_array = false;
  if (napi_get_named_property(env, argv[0], "groups", &v) == napi_ok && napi_is_array(env, v, &is_array) == napi_ok && is_array) {
    uint32_t count = 0;
    napi_get_array_length(env, v, &count);
    for (uint32_t i = 0; i < count; i++) {
      napi_value g;
      int32_t group = 0;
      if (napi_get_element(env, v, i, &g) != napi_ok || napi_get_value_int32(env, g, &group) != napi_ok || group <= 0 ||
          setsockopt(r.fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group, sizeof group) < 0) {
        int err = group <= 0 ? EINVAL : errno;
        close(r.fd);
        return throw_errno(env, err, "NETLINK_ADD_MEMBERSHIP");
      }
    }
  }

  CHECK(env, napi_create_object(env, &result));
  set_int(env, result, "fd", r.fd);
  set_int(env, result, "portId", (int)local.nl_pid);
  set_int(env, result, "receiveBuffer", rcv);
  set_int(env, result, "sendBuffer", snd);
  set_bool(env, result, "extAck", ext);
  set_bool(env, result, "capAck", cap);
  set_bool(env, result, "strictCheck", strict);
  return result;
}

static napi_value js_close(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  int32_t fd;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, napi_get_value_int32(env, argv[0], &fd));
  if (close(fd) < 0) return throw_errno(env, errno, "close");
  return NULL;
}

// ---- receiving -----------------------------------------------------------------------------

struct received {
  uint8_t *buf;
  size_t len, cap;
  int overrun;   // ENOBUFS: the kernel dropped messages for us (receive buffer full)
  int truncated; // datagrams larger than RECV_SLICE, lost
};

// Reads every queued datagram (until EAGAIN or max_bytes), each padded to 4 bytes so that the
// messages of consecutive datagrams stay aligned (NLMSG_ALIGN) for the decoder. Returns an errno.
static int drain(int fd, size_t max_bytes, struct received *r) {
  for (;;) {
    if (r->cap - r->len < RECV_SLICE) {
      if (r->len >= max_bytes) return 0;
      size_t cap = r->cap * 2 > r->len + RECV_SLICE ? r->cap * 2 : r->len + RECV_SLICE;
      uint8_t *buf = realloc(r->buf, cap);
      if (!buf) return ENOMEM;
      r->buf = buf;
      r->cap = cap;
    }
    ssize_t n = recv(fd, r->buf + r->len, RECV_SLICE, MSG_DONTWAIT | MSG_TRUNC);
    if (n < 0) {
      if (errno == EINTR) continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK) return 0;
      if (errno == ENOBUFS) {
        r->overrun = 1;
        continue;
      }
      return errno;
    }
    if (n > RECV_SLICE) {
      r->truncated++;
      continue;
    }
    size_t padded = ((size_t)n + 3) & ~(size_t)3;
    memset(r->buf + r->len + n, 0, padded - (size_t)n);
    r->len += padded;
  }
}

static void free_buffer(napi_env env, void *data, void *hint) {
  (void)env;
  (void)hint;
  free(data);
}

// { data: Buffer, overrun: boolean, truncated: number }; takes ownership of r->buf.
static napi_value received_value(napi_env env, struct received *r) {
  napi_value result, data;
  void *copy;
  if (napi_create_object(env, &result) != napi_ok) return NULL;
  if (r->len == 0 || napi_create_external_buffer(env, r->len, r->buf, free_buffer, NULL, &data) != napi_ok) {
    // External buffers can be refused (some embedders); copy then.
    if (napi_create_buffer_copy(env, r->len, r->len ? r->buf : (void *)"", &copy, &data) != napi_ok) data = NULL;
    free(r->buf);
  }
  r->buf = NULL;
  if (data) napi_set_named_property(env, result, "data", data);
  set_bool(env, result, "overrun", r->overrun);
  set_int(env, result, "truncated", r->truncated);
  return result;
}

// receive(fd, maxBytes) -> { data, overrun, truncated }: what is queued now, never waits.
static napi_value js_receive(napi_env env, napi_callback_info info) {
  size_t argc = 2;
  napi_value argv[2];
  int32_t fd, max;
  struct received r = {0};
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, napi_get_value_int32(env, argv[0], &fd));
  CHECK(env, napi_get_value_int32(env, argv[1], &max));
  int err = drain(fd, max > 0 ? (size_t)max : RECV_SLICE, &r);
  if (err) {
    free(r.buf);
    return throw_errno(env, err, "recv");
  }
  return received_value(env, &r);
}

// ---- exchange: send, then collect the replies, on a pool thread ----------------------------

struct exchange {
  napi_async_work work;
  napi_ref data_ref, callback_ref;
  int fd, wait_ms;
  const uint8_t *send;
  size_t send_len, max_bytes;
  struct received r;
  int err;
  const char *step;
};

static long long now_ms(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void exchange_execute(napi_env env, void *arg) {
  (void)env;
  struct exchange *x = arg;
  if (x->send_len > 0) {
    struct sockaddr_nl kernel = {.nl_family = AF_NETLINK};
    ssize_t n;
    do n = sendto(x->fd, x->send, x->send_len, 0, (struct sockaddr *)&kernel, sizeof kernel);
    while (n < 0 && errno == EINTR);
    if (n < 0) {
      x->err = errno;
      x->step = "sendto";
      return;
    }
  }
  long long deadline = now_ms() + x->wait_ms;
  for (;;) {
    int err = drain(x->fd, x->max_bytes, &x->r);
    if (err) {
      x->err = err;
      x->step = "recv";
      return;
    }
    long long left = deadline - now_ms();
    if (x->r.len > 0 || x->r.overrun || left <= 0) return;
    struct pollfd p = {.fd = x->fd, .events = POLLIN};
    if (poll(&p, 1, (int)left) < 0 && errno != EINTR) {
      x->err = errno;
      x->step = "poll";
      return;
    }
  }
}

static void exchange_complete(napi_env env, napi_status status, void *arg) {
  struct exchange *x = arg;
  napi_value cb, global, argv[2];
  napi_get_reference_value(env, x->callback_ref, &cb);
  napi_get_global(env, &global);
  napi_get_null(env, &argv[0]);
  napi_get_null(env, &argv[1]);
  if (status != napi_ok) argv[0] = make_error(env, EIO, "exchange cancelled");
  else if (x->err) argv[0] = make_error(env, x->err, x->step);
  else argv[1] = received_value(env, &x->r);
  if (x->data_ref) napi_delete_reference(env, x->data_ref);
  napi_delete_reference(env, x->callback_ref);
  napi_delete_async_work(env, x->work);
  free(x->r.buf);
  free(x);
  napi_call_function(env, global, cb, 2, argv, NULL);
}

// exchange(fd, data: Uint8Array | null, waitMs, maxBytes, callback(err, { data, overrun, truncated }))
// Sends `data` (when given), then returns what the kernel queued; waits up to waitMs for the
// first datagram when nothing is queued. The caller keeps one exchange per socket at a time.
static napi_value js_exchange(napi_env env, napi_callback_info info) {
  size_t argc = 5;
  napi_value argv[5], name;
  napi_valuetype t;
  int32_t fd, wait_ms, max;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, argc == 5 ? napi_ok : napi_invalid_arg);
  CHECK(env, napi_get_value_int32(env, argv[0], &fd));
  CHECK(env, napi_get_value_int32(env, argv[2], &wait_ms));
  CHECK(env, napi_get_value_int32(env, argv[3], &max));
  CHECK(env, napi_typeof(env, argv[1], &t));
  void *data = NULL;
  size_t length = 0;
  if (t != napi_null && t != napi_undefined) {
    napi_typedarray_type type;
    size_t offset;
    napi_value ab;
    if (napi_get_typedarray_info(env, argv[1], &type, &length, &data, &ab, &offset) != napi_ok || type != napi_uint8_array) {
      return throw_errno(env, EINVAL, "exchange: data must be a Uint8Array");
    }
  }
  struct exchange *x = calloc(1, sizeof *x);
  if (!x) return throw_errno(env, ENOMEM, "exchange");
  x->fd = fd;
  x->wait_ms = wait_ms;
  x->max_bytes = max > 0 ? (size_t)max : RECV_SLICE;
  if (data) {
    // The reference keeps the bytes alive (and in place) until the pool thread is done.
    napi_create_reference(env, argv[1], 1, &x->data_ref);
    x->send = data;
    x->send_len = length;
  }
  napi_create_reference(env, argv[4], 1, &x->callback_ref);
  napi_create_string_utf8(env, "wren_netlink.exchange", NAPI_AUTO_LENGTH, &name);
  if (napi_create_async_work(env, NULL, name, exchange_execute, exchange_complete, x, &x->work) != napi_ok || napi_queue_async_work(env, x->work) != napi_ok) {
    if (x->data_ref) napi_delete_reference(env, x->data_ref);
    napi_delete_reference(env, x->callback_ref);
    free(x);
    return throw_errno(env, EIO, "exchange: queue");
  }
  return NULL;
}

// ---- watch: readiness of a multicast socket on the event loop ------------------------------

struct watch {
  uv_poll_t poll;
  napi_env env;
  napi_ref callback_ref;
  napi_async_context context;
};

static void watch_closed(uv_handle_t *handle) {
  free(handle->data);
}

static void on_readable(uv_poll_t *handle, int status, int events) {
  (void)events;
  struct watch *w = handle->data;
  napi_env env = w->env;
  napi_handle_scope scope;
  napi_value cb, recv, arg;
  if (!w->callback_ref) return;
  napi_open_handle_scope(env, &scope);
  napi_get_reference_value(env, w->callback_ref, &cb);
  // napi_make_callback wants an object as the receiver.
  napi_get_global(env, &recv);
  if (status < 0) napi_create_string_utf8(env, uv_strerror(status), NAPI_AUTO_LENGTH, &arg);
  else napi_get_null(env, &arg);
  // napi_make_callback runs the microtasks and reports a throw as an uncaught exception.
  if (napi_make_callback(env, w->context, recv, cb, 1, &arg, NULL) == napi_pending_exception) {
    napi_value error;
    napi_get_and_clear_last_exception(env, &error);
    napi_fatal_exception(env, error);
  }
  napi_close_handle_scope(env, scope);
}

// watch(fd, callback(error: string | null), ref: boolean) -> handle: calls back when fd is readable.
static napi_value js_watch(napi_env env, napi_callback_info info) {
  size_t argc = 3;
  napi_value argv[3], handle, resource, name;
  int32_t fd;
  bool ref = true;
  uv_loop_t *loop;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, argc == 3 ? napi_ok : napi_invalid_arg);
  CHECK(env, napi_get_value_int32(env, argv[0], &fd));
  CHECK(env, napi_get_value_bool(env, argv[2], &ref));
  CHECK(env, napi_get_uv_event_loop(env, &loop));
  struct watch *w = calloc(1, sizeof *w);
  if (!w) return throw_errno(env, ENOMEM, "watch");
  w->env = env;
  w->poll.data = w;
  int err = uv_poll_init(loop, &w->poll, fd);
  if (err < 0) {
    free(w);
    return throw_errno(env, -err, "uv_poll_init");
  }
  napi_create_object(env, &resource);
  napi_create_string_utf8(env, "wren_netlink.watch", NAPI_AUTO_LENGTH, &name);
  napi_async_init(env, resource, name, &w->context);
  napi_create_reference(env, argv[1], 1, &w->callback_ref);
  err = uv_poll_start(&w->poll, UV_READABLE, on_readable);
  if (!ref) uv_unref((uv_handle_t *)&w->poll);
  CHECK(env, napi_create_external(env, w, NULL, NULL, &handle));
  if (err < 0) {
    napi_delete_reference(env, w->callback_ref);
    napi_async_destroy(env, w->context);
    uv_close((uv_handle_t *)&w->poll, watch_closed);
    return throw_errno(env, -err, "uv_poll_start");
  }
  return handle;
}

// unwatch(handle): stops calling back; call it once, before closing the fd.
static napi_value js_unwatch(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  struct watch *w;
  CHECK(env, napi_get_cb_info(env, info, &argc, argv, NULL, NULL));
  CHECK(env, napi_get_value_external(env, argv[0], (void **)&w));
  if (!w || !w->callback_ref) return NULL;
  uv_poll_stop(&w->poll);
  napi_delete_reference(env, w->callback_ref);
  w->callback_ref = NULL;
  napi_async_destroy(env, w->context);
  uv_close((uv_handle_t *)&w->poll, watch_closed);
  return NULL;
}

// native/sockopt.c: TCP socket options for BGP sessions (TTL, GTSM, TCP-MD5).
void wren_sockopt_register(napi_env env, napi_value exports);

NAPI_MODULE_INIT() {
  napi_property_descriptor fns[] = {
      {"open", NULL, js_open, NULL, NULL, NULL, napi_enumerable, NULL},
      {"close", NULL, js_close, NULL, NULL, NULL, napi_enumerable, NULL},
      {"exchange", NULL, js_exchange, NULL, NULL, NULL, napi_enumerable, NULL},
      {"receive", NULL, js_receive, NULL, NULL, NULL, napi_enumerable, NULL},
      {"watch", NULL, js_watch, NULL, NULL, NULL, napi_enumerable, NULL},
      {"unwatch", NULL, js_unwatch, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
  wren_sockopt_register(env, exports);
  return exports;
}
