/* cmd_kv: placeholder until its issue lands; replaced by the real subcommand. */
#include <stdio.h>

#include "tools.h"

int cmd_kv(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "ringcache: '%s' is not built yet\n", argv[0]);
    return 2;
}
