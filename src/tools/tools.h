/* tools: the `ringcache` command-line tool's subcommands. Each subcommand lives in its own
 * cmd_<name>.c and receives the whole command line (global options, the subcommand word, its
 * arguments) to parse with its own options. Returns the
 * process exit status (0 ok or hit, 1 miss, 2 error). */
#ifndef RC_TOOLS_H
#define RC_TOOLS_H

int cmd_ring(int argc, char **argv);  /* ring placement and statistics (cmd_ring.c) */
int cmd_kv(int argc, char **argv);    /* get/set/add/delete/incr/decr/touch/stats/flush/where */
int cmd_bench(int argc, char **argv); /* load generator (cmd_bench.c) */

#endif
