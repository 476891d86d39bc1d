// This host's name and whether a process still exists, from /proc.
#include "run_process.h"

#include <fcntl.h>
#include <signal.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <sstream>

namespace dais::store::detail {

const std::string& thisHost() {
    static const std::string host = [] {
        char buf[256] = {};
        if (gethostname(buf, sizeof buf - 1) != 0) return std::string("localhost");
        return std::string(buf);
    }();
    return host;
}

std::int64_t processStart(std::int64_t pid, char* state) {
    const std::string file = "/proc/" + std::to_string(pid) + "/stat";
    const int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return 0;
    char buf[1024];
    const ssize_t n = ::read(fd, buf, sizeof buf - 1);
    ::close(fd);
    if (n <= 0) return 0;
    const std::string text(buf, static_cast<std::size_t>(n));
    const auto close = text.rfind(')');
    if (close == std::string::npos) return 0;
    std::istringstream fields(text.substr(close + 1));
    std::string field;
    // After the command name come field 3 (state) .. field 22 (starttime).
    for (int i = 3; i <= 22 && (fields >> field); ++i) {
        if (i == 3 && state != nullptr) *state = field.empty() ? '?' : field[0];
        if (i == 22) return std::strtoll(field.c_str(), nullptr, 10);
    }
    return 0;
}

bool processAlive(std::int64_t pid, std::int64_t start) {
    if (pid <= 0) return false;
    if (::kill(static_cast<pid_t>(pid), 0) != 0 && errno != EPERM) return false;
    char state = '?';
    const std::int64_t now = processStart(pid, &state);
    if (state == 'Z' || state == 'X') return false;
    return start == 0 || now == 0 || now == start;
}

}  // namespace dais::store::detail
