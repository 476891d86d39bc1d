// Measurements in a fresh child process (measurement.h).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "measurement.h"

namespace dais::app {

core::Result<Measurement> runMeasurement(const std::string& benchmark,
                                         const std::vector<std::string>& childArgs,
                                         ChildMain fallback) {
    std::vector<std::string> argvStore = {"dais", "bench", benchmark};
    argvStore.insert(argvStore.end(), childArgs.begin(), childArgs.end());
    std::vector<char*> argv;
    for (std::string& a : argvStore)
        argv.push_back(a.data());
    argv.push_back(nullptr);

    int fds[2];
    if (pipe(fds) != 0) return core::Error{std::string("pipe: ") + std::strerror(errno)};
    std::fflush(nullptr);
    const auto t0 = std::chrono::steady_clock::now();
    const pid_t pid = fork();
    if (pid < 0) {
        close(fds[0]);
        close(fds[1]);
        return core::Error{std::string("fork: ") + std::strerror(errno)};
    }
    if (pid == 0) {
        close(fds[0]);
        if (fds[1] != STDOUT_FILENO) {
            dup2(fds[1], STDOUT_FILENO);
            close(fds[1]);
        }
        execv("/proc/self/exe", argv.data());
        _exit(fallback(childArgs));  // no /proc: measure in this forked copy
    }
    close(fds[1]);
    Measurement m;
    char buf[256];
    for (;;) {
        const ssize_t n = read(fds[0], buf, sizeof buf);
        if (n > 0)
            m.out.append(buf, static_cast<std::size_t>(n));
        else if (n == 0 || errno != EINTR)
            break;
    }
    close(fds[0]);
    int status = 0;
    rusage ru{};
    while (wait4(pid, &status, 0, &ru) < 0)
        if (errno != EINTR) return core::Error{std::string("wait4: ") + std::strerror(errno)};
    m.wallSeconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    if (WIFSIGNALED(status))
        return core::Error{"the measurement was killed by signal " +
                           std::to_string(WTERMSIG(status))};
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        return core::Error{"the measurement exited with status " +
                           std::to_string(WEXITSTATUS(status))};
    m.peakRssBytes = static_cast<double>(ru.ru_maxrss) * 1024.0;  // Linux: kilobytes
    return m;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    const std::size_t n = v.size();
    return n == 0 ? 0 : n % 2 == 1 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

}  // namespace dais::app
