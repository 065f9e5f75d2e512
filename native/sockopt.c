// wren sockopt: the TCP socket options Node has no API for, on BGP sessions (docs/daemon.md).
//
//   tcpSocket(family)                  -> fd   an unconnected TCP socket (4: AF_INET, 6: AF_INET6),
//                                              for options that must be set before connect()
//   setTtl(fd, family, ttl)                    IP_TTL / IPV6_UNICAST_HOPS (eBGP multihop)
//   getTtl(fd, family)                 -> ttl
//   setMinTtl(fd, family, minTtl)              IP_MINTTL / IPV6_MINHOPCOUNT (GTSM, RFC 5082)
//   setMd5(fd, family, address, key)           TCP_MD5SIG (RFC 2385) for one peer; key "" removes
//
// `family` is the family of the peer's address (the traffic), not of the socket: an AF_INET6
// socket (a dual-stack listener on "::") carries IPv4 peers as v4-mapped addresses, which the
// kernel handles with the IPv4 options (IP_TTL) and with a v4-mapped address in TCP_MD5SIG. The
// socket's own family is read with SO_DOMAIN. Everything is synchronous: each call is one syscall.

#define _GNU_SOURCE
#define NAPI_VERSION 8

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <node_api.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#ifndef IP_MINTTL
#define IP_MINTTL 21
#endif
#ifndef IPV6_MINHOPCOUNT
#define IPV6_MINHOPCOUNT 73
#endif

#define ARGS(env, n)                                                                                \
  size_t argc = (n);                                                                                \
  napi_value argv[(n)];                                                                             \
  if (napi_get_cb_info((env), info, &argc, argv, NULL, NULL) != napi_ok || argc < (n)) {            \
    napi_throw_error((env), "EINVAL", "wren sockopt: expected " #n " arguments");                   \
    return NULL;                                                                                    \
  }

static napi_value sock_error(napi_env env, int err, const char *what) {
  char text[256];
  const char *name = strerrorname_np(err);
  napi_value code, msg, error, number;
  snprintf(text, sizeof text, "%s: %s", what, strerror(err));
  napi_create_string_utf8(env, name ? name : "EIO", NAPI_AUTO_LENGTH, &code);
  napi_create_string_utf8(env, text, NAPI_AUTO_LENGTH, &msg);
  napi_create_error(env, code, msg, &error);
  napi_create_int32(env, err, &number);
  napi_set_named_property(env, error, "errno", number);
  napi_throw(env, error);
  return NULL;
}

static int get_int(napi_env env, napi_value v, int32_t *out) { return napi_get_value_int32(env, v, out) == napi_ok; }

static napi_value int_value(napi_env env, int v) {
  napi_value out;
  napi_create_int32(env, v, &out);
  return out;
}

// Reads fd and family (4 or 6) from argv[0], argv[1].
static int fd_family(napi_env env, napi_value *argv, int32_t *fd, int32_t *family) {
  if (!get_int(env, argv[0], fd) || *fd < 0 || !get_int(env, argv[1], family) || (*family != 4 && *family != 6)) {
    napi_throw_error(env, "EINVAL", "wren sockopt: fd must be a number >= 0 and family 4 or 6");
    return 0;
  }
  return 1;
}

static napi_value js_tcp_socket(napi_env env, napi_callback_info info) {
  ARGS(env, 1);
  int32_t family;
  if (!get_int(env, argv[0], &family) || (family != 4 && family != 6)) {
    napi_throw_error(env, "EINVAL", "wren sockopt: family must be 4 or 6");
    return NULL;
  }
  int fd = socket(family == 4 ? AF_INET : AF_INET6, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, IPPROTO_TCP);
  if (fd < 0) return sock_error(env, errno, "socket");
  return int_value(env, fd);
}

static napi_value set_level_int(napi_env env, napi_callback_info info, int v4opt, int v6opt, const char *what, int lo, int hi) {
  ARGS(env, 3);
  int32_t fd, family, value;
  if (!fd_family(env, argv, &fd, &family)) return NULL;
  if (!get_int(env, argv[2], &value) || value < lo || value > hi) {
    napi_throw_range_error(env, "ERANGE", "wren sockopt: value out of range");
    return NULL;
  }
  int rc = family == 4 ? setsockopt(fd, IPPROTO_IP, v4opt, &value, sizeof value) : setsockopt(fd, IPPROTO_IPV6, v6opt, &value, sizeof value);
  if (rc < 0) return sock_error(env, errno, what);
  return NULL;
}

static napi_value js_set_ttl(napi_env env, napi_callback_info info) { return set_level_int(env, info, IP_TTL, IPV6_UNICAST_HOPS, "setsockopt IP_TTL/IPV6_UNICAST_HOPS", 1, 255); }

static napi_value js_set_min_ttl(napi_env env, napi_callback_info info) { return set_level_int(env, info, IP_MINTTL, IPV6_MINHOPCOUNT, "setsockopt IP_MINTTL/IPV6_MINHOPCOUNT", 0, 255); }

static napi_value js_get_ttl(napi_env env, napi_callback_info info) {
  ARGS(env, 2);
  int32_t fd, family;
  if (!fd_family(env, argv, &fd, &family)) return NULL;
  int value = 0;
  socklen_t len = sizeof value;
  int rc = family == 4 ? getsockopt(fd, IPPROTO_IP, IP_TTL, &value, &len) : getsockopt(fd, IPPROTO_IPV6, IPV6_UNICAST_HOPS, &value, &len);
  if (rc < 0) return sock_error(env, errno, "getsockopt IP_TTL/IPV6_UNICAST_HOPS");
  return int_value(env, value);
}

static napi_value js_set_md5(napi_env env, napi_callback_info info) {
  ARGS(env, 4);
  int32_t fd, family;
  if (!fd_family(env, argv, &fd, &family)) return NULL;
  char address[INET6_ADDRSTRLEN + 1];
  size_t alen = 0, klen = 0;
  struct tcp_md5sig sig;
  memset(&sig, 0, sizeof sig);
  if (napi_get_value_string_utf8(env, argv[2], address, sizeof address, &alen) != napi_ok) {
    napi_throw_error(env, "EINVAL", "wren sockopt: address must be a string");
    return NULL;
  }
  // One byte more than the kernel takes, to tell a key that is too long from one that fits.
  char key[TCP_MD5SIG_MAXKEYLEN + 2];
  if (napi_get_value_string_utf8(env, argv[3], key, sizeof key, &klen) != napi_ok) {
    napi_throw_error(env, "EINVAL", "wren sockopt: key must be a string");
    return NULL;
  }
  if (klen > TCP_MD5SIG_MAXKEYLEN) {
    napi_throw_range_error(env, "ERANGE", "wren sockopt: TCP-MD5 keys are at most 80 bytes");
    return NULL;
  }
  int domain = 0;
  socklen_t dlen = sizeof domain;
  if (getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &dlen) < 0) return sock_error(env, errno, "getsockopt SO_DOMAIN");
  if (domain == AF_INET) {
    struct sockaddr_in *sin = (struct sockaddr_in *)&sig.tcpm_addr;
    sin->sin_family = AF_INET;
    if (family != 4 || inet_pton(AF_INET, address, &sin->sin_addr) != 1) return sock_error(env, EINVAL, "TCP_MD5SIG: an IPv4 socket needs an IPv4 peer address");
  } else if (domain == AF_INET6) {
    struct sockaddr_in6 *sin6 = (struct sockaddr_in6 *)&sig.tcpm_addr;
    sin6->sin6_family = AF_INET6;
    if (family == 4) {
      // ::ffff:a.b.c.d: the kernel keys it as the IPv4 peer (tcp_v6_parse_md5_keys).
      struct in_addr v4;
      if (inet_pton(AF_INET, address, &v4) != 1) return sock_error(env, EINVAL, "TCP_MD5SIG: not an IPv4 address");
      sin6->sin6_addr.s6_addr[10] = 0xff;
      sin6->sin6_addr.s6_addr[11] = 0xff;
      memcpy(&sin6->sin6_addr.s6_addr[12], &v4, 4);
    } else if (inet_pton(AF_INET6, address, &sin6->sin6_addr) != 1) {
      return sock_error(env, EINVAL, "TCP_MD5SIG: not an IPv6 address");
    }
  } else {
    return sock_error(env, EAFNOSUPPORT, "TCP_MD5SIG: not an IP socket");
  }
  sig.tcpm_keylen = (uint16_t)klen;
  memcpy(sig.tcpm_key, key, klen);
  if (setsockopt(fd, IPPROTO_TCP, TCP_MD5SIG, &sig, sizeof sig) < 0) {
    // Removing a key that is not there is done already.
    if (!(klen == 0 && errno == ENOENT)) return sock_error(env, errno, "setsockopt TCP_MD5SIG");
  }
  return NULL;
}

// Called from netlink.c's module init: one .node file holds both.
void wren_sockopt_register(napi_env env, napi_value exports) {
  napi_property_descriptor fns[] = {
      {"tcpSocket", NULL, js_tcp_socket, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setTtl", NULL, js_set_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"getTtl", NULL, js_get_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMinTtl", NULL, js_set_min_ttl, NULL, NULL, NULL, napi_enumerable, NULL},
      {"setMd5", NULL, js_set_md5, NULL, NULL, NULL, napi_enumerable, NULL},
  };
  napi_define_properties(env, exports, sizeof fns / sizeof fns[0], fns);
}
