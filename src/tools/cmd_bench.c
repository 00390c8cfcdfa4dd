/* cmd_bench: placeholder until its issue lands; replaced by the real subcommand. */
#include <stdio.h>

#include "tools.h"

int cmd_bench(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "ringcache: '%s' is not built yet\n", argv[0]);
    return 2;
}
