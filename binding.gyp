{
  "targets": [
    {
      "target_name": "wren_netlink",
      "sources": ["native/netlink.c", "native/sockopt.c"],
      "cflags": ["-std=gnu11", "-Wall", "-Wextra", "-Wno-unused-parameter", "-O2"],
      "conditions": [["OS!='linux'", {"type": "none", "sources": []}]]
    }
  ]
}
