/*
 * Work done in a child process, for what may crash or hang where the command must not: graphviz
 * crashes when it runs out of memory (its png renderer draws on when cairo has no bitmap for it) and
 * may take long on a graph it finds hard. The child reports on a pipe; the command reads the report,
 * or learns from the child's end how it failed.
 */
#define _POSIX_C_SOURCE 200809L /* fork, kill, poll */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"

/* Reads what the child says until it closes the pipe or the deadline (0: none) passes; 1 when it finished in time. */
static int collect(int in, char *said, size_t size, double deadline)
{
    size_t used = 0;
    said[0] = '\0';
    for (;;) {
        const double left = deadline - cli_now();
        if (deadline > 0 && left <= 0)
            return 0;
        struct pollfd p = {.fd = in, .events = POLLIN};
        int ready = poll(&p, 1, deadline > 0 ? (int)(left * 1000) + 1 : -1);
        if (ready <= 0) /* interrupted, or the time is up: the loop's first test says which */
            continue;
        ssize_t got = read(in, said + used, size - 1 - used);
        if (got < 0 && errno == EINTR)
            continue;
        if (got <= 0)
            return 1;
        used += (size_t)got;
        said[used] = '\0';
        if (used + 1 >= size)
            return 1;
    }
}

int cli_run_child(void (*work)(int out, void *user), void *user, double wall_s, int cpu_s, cli_child *result)
{
    result->said[0] = '\0';
    result->finished = 0;
    result->status = 0;
    const double deadline = wall_s > 0 ? cli_now() + wall_s : 0;
    int pipe_ends[2];
    if (pipe(pipe_ends) != 0)
        return -1;
    fflush(NULL); /* else what stdio holds would be written twice, by each process */
    const pid_t child = fork();
    if (child < 0) {
        const int saved = errno;
        close(pipe_ends[0]);
        close(pipe_ends[1]);
        errno = saved;
        return -1;
    }
    if (child == 0) {
        close(pipe_ends[0]);
        if (cpu_s > 0) {
            struct rlimit cpu = {(rlim_t)cpu_s, (rlim_t)cpu_s + 1};
            setrlimit(RLIMIT_CPU, &cpu);
        }
        /*
         * The pipe is the child's only voice: out of memory, fontconfig, glib and graphviz print on
         * stderr themselves, and the command's stderr must hold its own one line at most.
         */
        const int null = open("/dev/null", O_WRONLY);
        if (null >= 0 && dup2(null, STDERR_FILENO) >= 0 && null != STDERR_FILENO)
            close(null);
        work(pipe_ends[1], user);
        _exit(0); /* not exit: the parent's atexit handlers and stdio buffers are the parent's */
    }
    close(pipe_ends[1]);
    result->finished = collect(pipe_ends[0], result->said, sizeof result->said, deadline);
    close(pipe_ends[0]);
    if (!result->finished)
        kill(child, SIGKILL);
    while (waitpid(child, &result->status, 0) < 0 && errno == EINTR)
        ;
    return 0;
}
