#pragma once
// Files for the fuzz targets that read their input from a file: one private folder per process
// (under $TMPDIR, else /tmp), removed when the process exits.
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <system_error>

namespace dais::fuzz {

/// This process's folder, made on first use (and never destroyed, so that it outlives every
/// static object that may still use it at exit).
inline const std::filesystem::path& scratchFolder() {
    static const std::filesystem::path* const folder = [] {
        const char* tmp = std::getenv("TMPDIR");
        std::string pattern = std::string(tmp && *tmp ? tmp : "/tmp") + "/dais-fuzz-XXXXXX";
        if (mkdtemp(pattern.data()) == nullptr) {
            std::perror("dais fuzz: cannot make a scratch folder");
            std::abort();
        }
        std::atexit([] {
            std::error_code ec;
            std::filesystem::remove_all(scratchFolder(), ec);
        });
        return new std::filesystem::path(pattern);
    }();
    return *folder;
}

/// Writes `bytes` to `file`, replacing it.
inline void writeFile(const std::filesystem::path& file, std::string_view bytes) {
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
    if (!out) {
        std::fprintf(stderr, "dais fuzz: cannot write %s\n", file.c_str());
        std::abort();
    }
}

/// The bytes of `file` (empty if it cannot be read).
inline std::string readFile(const std::filesystem::path& file) {
    std::error_code ec;
    std::string bytes(std::filesystem::file_size(file, ec), '\0');
    if (ec) return {};
    std::ifstream in(file, std::ios::binary);
    if (!in.read(bytes.data(), static_cast<std::streamsize>(bytes.size()))) return {};
    return bytes;
}

}  // namespace dais::fuzz
