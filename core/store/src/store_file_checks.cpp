// The checks made before SQLite opens a store file, and the read-only connections they use.
#include "store_file_checks.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <vector>

#include "dais/store/schema.h"

namespace dais::store::detail {

namespace fs = std::filesystem;

namespace {

/// `path` as an absolute SQLite URI with `query` ("file:///...?immutable=1").
std::string fileUri(const std::string& path, std::string_view query) {
    std::error_code ec;
    fs::path absolute = fs::absolute(path, ec);
    if (ec) absolute = path;
    std::string uri = "file://";
    for (const char ch : absolute.string()) {
        const auto c = static_cast<unsigned char>(ch);
        if (std::isalnum(c) != 0 || c == '/' || c == '-' || c == '.' || c == '_' || c == '~') {
            uri += ch;
        } else {
            char escaped[4];
            std::snprintf(escaped, sizeof escaped, "%%%02X", static_cast<unsigned>(c));
            uri += escaped;
        }
    }
    return uri + "?" + std::string(query);
}

}  // namespace

std::string folderOf(const std::string& path) {
    const fs::path parent = fs::path(path).parent_path();
    if (!parent.empty()) return parent.string();
    std::error_code ec;
    const fs::path here = fs::current_path(ec);
    return ec ? std::string(".") : here.string();
}

core::Result<void> folderWritable(const std::string& folder) {
    if (::faccessat(AT_FDCWD, folder.c_str(), W_OK | X_OK, AT_EACCESS) == 0) return {};
    return core::Error{std::strerror(errno)};
}

std::optional<FileStamp> stampOf(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) return std::nullopt;
    FileStamp f;
    f.device = st.st_dev;
    f.inode = st.st_ino;
    f.size = st.st_size;
    f.modifiedNs = std::int64_t{st.st_mtim.tv_sec} * 1'000'000'000 + st.st_mtim.tv_nsec;
    f.changedNs = std::int64_t{st.st_ctim.tv_sec} * 1'000'000'000 + st.st_ctim.tv_nsec;
    std::error_code ec;
    f.log = fs::exists(path + "-wal", ec);
    return f;
}

bool walWithoutLog(const std::string& path) {
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0) return false;
    unsigned char version = 0;
    const bool read = ::pread(fd, &version, 1, 19) == 1;
    ::close(fd);
    std::error_code ec;
    return read && version == 2 && !fs::exists(path + "-wal", ec);
}

int openReadOnly(const std::string& path, bool immutable, DbPtr& db) {
    sqlite3* raw = nullptr;
    const std::string name = immutable ? fileUri(path, "immutable=1") : path;
    const int flags =
        SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX | (immutable ? SQLITE_OPEN_URI : 0);
    const int rc = sqlite3_open_v2(name.c_str(), &raw, flags, nullptr);
    db.reset(raw);
    if (rc == SQLITE_OK) sqlite3_busy_timeout(raw, 10'000);
    return rc;
}

core::Result<Header> inspectPath(const std::string& path, bool readOnly) {
    std::error_code ec;
    const auto st = fs::status(path, ec);
    if (ec && ec != std::errc::no_such_file_or_directory)
        return core::Error{path + ": " + ec.message()};
    Header h;
    if (!fs::exists(st)) return h;
    h.exists = true;
    if (fs::is_directory(st)) return core::Error{path + ": is a folder, not a run store file"};
    if (!fs::is_regular_file(st))
        return core::Error{path + ": not a regular file, so not a run store"};
    const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return core::Error{path + ": cannot read it (" + std::string(std::strerror(errno)) + ")"};
    char head[16] = {};
    std::size_t got = 0;
    while (got < sizeof head) {
        const ssize_t n = ::read(fd, head + got, sizeof head - got);
        if (n <= 0) break;
        got += static_cast<std::size_t>(n);
    }
    ::close(fd);
    h.size = fs::file_size(path, ec);
    if (got == 0 && h.size == 0) {
        if (readOnly) return core::Error{path + ": an empty file, not a run store"};
        return h;
    }
    static constexpr char kMagic[16] = {'S', 'Q', 'L', 'i', 't', 'e', ' ', 'f',
                                        'o', 'r', 'm', 'a', 't', ' ', '3', '\0'};
    if (got < sizeof head || std::memcmp(head, kMagic, sizeof head) != 0)
        return core::Error{path + ": not a SQLite database, so not a DAIS run store"};
    if (!readOnly && ::faccessat(AT_FDCWD, path.c_str(), W_OK, AT_EACCESS) != 0)
        return core::Error{path + ": cannot write to it (" + std::string(std::strerror(errno)) +
                           ")"};
    return h;
}

core::Result<FileState> inspectDatabase(const std::string& path, bool immutable, bool readOnly,
                                        std::uintmax_t size, std::uint64_t fullCheckLimit) {
    auto damaged = [&](const std::string& what) {
        return core::Error{path + ": the run store is damaged (" + what + ")"};
    };
    DbPtr db;
    int rc = openReadOnly(path, immutable, db);
    if (rc != SQLITE_OK) {
        if (detail::isDamage(rc)) return damaged(detail::sqliteMessage(db.get(), rc));
        return core::Error{path + ": cannot open it (" + detail::sqliteMessage(db.get(), rc) + ")"};
    }
    auto scalar = [&](const char* sql, std::int64_t& out) {
        Stmt s(db.get(), sql);
        if (!s.ok()) return s.prepareCode();
        const int r = s.step();
        if (r == SQLITE_ROW) out = s.colInt(0);
        return r == SQLITE_ROW ? SQLITE_OK : r;
    };
    std::int64_t appId = 0, version = 0, objects = 0;
    rc = scalar("PRAGMA application_id", appId);
    if (rc == SQLITE_OK) rc = scalar("PRAGMA user_version", version);
    if (rc == SQLITE_OK) rc = scalar("SELECT count(*) FROM sqlite_master", objects);
    if (rc != SQLITE_OK) {
        if (detail::isDamage(rc)) return damaged(detail::sqliteMessage(db.get(), rc));
        return core::Error{path + ": cannot read it (" + detail::sqliteMessage(db.get(), rc) + ")"};
    }
    FileState state;
    if (appId == 0 && objects == 0 && version == 0) {
        if (readOnly) return core::Error{path + ": an empty SQLite database, not a run store"};
        state.blank = true;
        return state;
    }
    if (appId != kApplicationId) {
        char id[32];
        std::snprintf(id, sizeof id, "0x%08llx",
                      static_cast<unsigned long long>(static_cast<std::uint32_t>(appId)));
        return core::Error{path + ": a SQLite database of another application (application id " +
                           id + "), not a DAIS run store"};
    }
    if (version > currentSchemaVersion())
        return core::Error{path + ": written by a newer DAIS: schema " + std::to_string(version) +
                           ", this build reads up to " + std::to_string(currentSchemaVersion())};
    // A whole-file check reads every page (about a second per 300 MB); above the limit only
    // the run records are checked whole, and the bulk tables where their newest rows are.
    std::vector<std::string> checks;
    if (size <= fullCheckLimit) {
        checks.push_back("PRAGMA quick_check");
    } else {
        for (const char* table :
             {"scenarios", "runs", "metrics", "final_metrics", "sweeps", "annotations",
              "inspector_tables", "node_names", "run_event_counts"}) {
            std::int64_t present = 0;
            const std::string sql =
                std::string(
                    "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = '") +
                table + "'";
            if (scalar(sql.c_str(), present) == SQLITE_OK && present > 0)
                checks.push_back(std::string("PRAGMA quick_check(") + table + ")");
        }
        checks.push_back("SELECT 'ok' FROM (SELECT max(id) FROM samples)");
    }
    for (const auto& sql : checks) {
        Stmt check(db.get(), sql);
        if (!check.ok()) return damaged(detail::sqliteMessage(db.get(), check.prepareCode()));
        rc = check.step();
        if (rc != SQLITE_ROW) return damaged(detail::sqliteMessage(db.get(), rc));
        if (const std::string first = check.colText(0); first != "ok") return damaged(first);
    }
    state.version = static_cast<int>(version);
    return state;
}

core::Result<void> prepareFolder(const std::string& path, const StoreOptions& options) {
    const std::string folder = folderOf(path);
    auto refuse = [&](const std::string& why) {
        return core::Error{path + ": cannot create the run store: " + why};
    };
    std::error_code ec;
    const auto st = fs::status(folder, ec);
    if (ec && ec != std::errc::no_such_file_or_directory && ec != std::errc::not_a_directory)
        return refuse("cannot reach the folder " + folder + " (" + ec.message() + ")");
    if (fs::exists(st) && !fs::is_directory(st)) return refuse(folder + " is not a folder");
    if (!fs::exists(st)) {
        if (!options.createDirectories) return refuse("the folder " + folder + " does not exist");
        fs::create_directories(folder, ec);
        if (ec) return refuse("cannot create the folder " + folder + " (" + ec.message() + ")");
    }
    if (auto writable = folderWritable(folder); !writable)
        return refuse("the folder " + folder + " is not writable (" + writable.error().message +
                      ")");
    return {};
}

core::Result<void> checkFolderForWriting(const std::string& path) {
    std::error_code ec;
    if (fs::exists(path + "-wal", ec)) return {};
    const std::string folder = folderOf(path);
    if (auto writable = folderWritable(folder); !writable)
        return core::Error{path + ": cannot write to the run store: the folder " + folder +
                           " is not writable (" + writable.error().message +
                           "), and SQLite keeps its -wal and -shm files beside the store " +
                           "(it can still be read)"};
    return {};
}

}  // namespace dais::store::detail
