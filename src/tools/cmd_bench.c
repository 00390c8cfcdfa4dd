/* cmd_bench: placeholder until its issue lands; replaced by the real subcommand. */
#include <stdio.h>

#include "tools.h"

int cmd_bench(int argc, char **argv)
{
    (void)argc;
    fprintf(stderr, "ringcache: this command is not built yet\n");
    (void)argv;
    return 2;
}
