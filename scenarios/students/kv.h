/* scenarios/students/kv.h: the key-value protocol of kv_server.c and
 * kv_client.c. A call's opcode is the operation; mr[0] the key, mr[1] the
 * value. The reply's opcode is KV_OK or KV_MISSING, its mr[0] the value. */
#ifndef KV_H
#define KV_H

enum { KV_PUT = 1, KV_GET = 2, KV_DONE = 3 };
enum { KV_OK = 0, KV_MISSING = 1 };

#endif
