#include "cli.h"

#include <charconv>
#include <cmath>
#include <csignal>
#include <cstdio>

namespace dais::app {

std::optional<core::Result<std::string>> Args::option(std::string_view name) {
    if (done()) return std::nullopt;
    const std::string& w = words_[pos_];
    if (w.size() < 2 + name.size() || w.compare(0, 2, "--") != 0 ||
        w.compare(2, name.size(), name) != 0)
        return std::nullopt;
    const std::string_view rest = std::string_view(w).substr(2 + name.size());
    if (rest.empty()) {
        ++pos_;
        if (done()) return core::Error{"option --" + std::string(name) + " needs a value"};
        return core::Result<std::string>(words_[pos_++]);
    }
    if (rest.front() != '=') return std::nullopt;
    ++pos_;
    return core::Result<std::string>(std::string(rest.substr(1)));
}

bool Args::flag(std::string_view name) {
    if (done() || words_[pos_] != "--" + std::string(name)) return false;
    ++pos_;
    return true;
}

namespace {
volatile std::sig_atomic_t interruptRequested = 0;

void onInterrupt(int sig) {
    interruptRequested = 1;
    std::signal(sig, SIG_DFL);
}
}  // namespace

InterruptWatch::InterruptWatch() {
    interruptRequested = 0;
    previousInt_ = std::signal(SIGINT, &onInterrupt);
    previousTerm_ = std::signal(SIGTERM, &onInterrupt);
}

InterruptWatch::~InterruptWatch() {
    std::signal(SIGINT, previousInt_);
    std::signal(SIGTERM, previousTerm_);
}

bool InterruptWatch::requested() const {
    return interruptRequested != 0;
}

void printError(std::string_view message) {
    std::fprintf(stderr, "dais: %.*s\n", static_cast<int>(message.size()), message.data());
}

std::string siNumber(double v) {
    static constexpr const char* kSuffix[] = {"", " k", " M", " G", " T"};
    int k = 0;
    while (std::abs(v) >= 1000 && k < 4) {
        v /= 1000;
        ++k;
    }
    char buf[32];
    std::snprintf(buf, sizeof buf, k == 0 ? "%.0f%s" : "%.3g%s", v, kSuffix[k]);
    return buf;
}

std::optional<std::uint64_t> parseUnsigned(std::string_view text) {
    std::uint64_t v = 0;
    const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
    return v;
}

}  // namespace dais::app
