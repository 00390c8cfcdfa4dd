/* status: the text of every rc_status code, generated from the one table in
 * include/ringcache/status.h so codes and messages can never drift apart. No state. */
#include "ringcache/status.h"

const char *rc_strerror(int status)
{
    switch (status) {
#define RC_STATUS_CASE(name, value, msg)                                                           \
    case value:                                                                                    \
        return msg;
        RC_STATUS_TABLE(RC_STATUS_CASE)
#undef RC_STATUS_CASE
    }
    return "unknown status";
}
