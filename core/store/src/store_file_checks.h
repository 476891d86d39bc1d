#pragma once
// What the run store checks before SQLite opens a file, private to it: the path (a regular file
// with the SQLite header), the database (application id, schema version, integrity), the folder
// (there, and writable when the store must create files in it), and brief reads that leave no
// -wal or -shm beside a file they refuse.

#include <sys/types.h>

#include <cstdint>
#include <optional>
#include <string>

#include "dais/core/result.h"
#include "dais/store/run_store.h"
#include "sqlite_util.h"

namespace dais::store::detail {

/// What inspecting a store file found.
struct FileState {
    bool blank = false;  // an empty database: no application id, no tables
    int version = 0;
};

/// The folder that holds `path` (the current folder, as an absolute path, for a bare name).
std::string folderOf(const std::string& path);

/// Whether this process may create files in `folder` (SQLite's -wal, -shm and -journal files,
/// a new store), as the kernel would decide for this thread; the error is the reason why not.
core::Result<void> folderWritable(const std::string& folder);

/// What changes when another process writes to a file: its identity, size and times, and
/// whether its write-ahead log exists.
struct FileStamp {
    dev_t device = 0;
    ino_t inode = 0;
    off_t size = 0;
    std::int64_t modifiedNs = 0, changedNs = 0;
    bool log = false;
    bool operator==(const FileStamp&) const = default;
};

std::optional<FileStamp> stampOf(const std::string& path);

/// Whether `path` is a database in WAL mode with no -wal file beside it. Its content is then
/// the file alone, but SQLite creates the -wal and -shm files to read it, even read-only, and
/// leaves them behind: a reader cannot remove them. (Byte 19 of the header, the read format
/// version, is 2 in WAL mode.)
bool walWithoutLog(const std::string& path);

/// A read-only connection. `immutable` reads the file as it is, with no locks and no companion
/// files (SQLite's `immutable=1`): only right when nothing writes to it meanwhile.
int openReadOnly(const std::string& path, bool immutable, DbPtr& db);

/// Runs `read(immutable)`, which reads `path` through its own read-only connection and
/// returns a result, so that a short read (a check, a copy) leaves nothing beside the file. A
/// file in WAL mode without its -wal is read immutable; if it changed meanwhile (another
/// process opened it: a -wal appeared, or it was written), that result is dropped and the file
/// read again through an ordinary read-only connection, as the other process reads it.
template <class Read>
auto readBriefly(const std::string& path, Read&& read) {
    if (walWithoutLog(path)) {
        const auto before = stampOf(path);
        auto result = read(true);
        if (before && stampOf(path) == before) return result;
    }
    return read(false);
}

struct Header {
    bool exists = false;
    std::uintmax_t size = 0;
};

/// Checks the path before SQLite touches it: a regular, readable file that starts with the
/// SQLite header (or is empty), or no file at all.
core::Result<Header> inspectPath(const std::string& path, bool readOnly);

/// Reads the application id and schema version through a read-only connection (immutable: see
/// openReadOnly) and checks the file's integrity. Never writes.
core::Result<FileState> inspectDatabase(const std::string& path, bool immutable, bool readOnly,
                                        std::uintmax_t size, std::uint64_t fullCheckLimit);

/// A new store's folder: there already (or created, when `options` allow it), and one this
/// process may create files in. The refusal names the folder and the reason.
core::Result<void> prepareFolder(const std::string& path, const StoreOptions& options);

/// Writing to an existing store needs its -wal and -shm files, which SQLite creates beside it
/// when none is there (and -journal, for a file not yet in WAL mode).
core::Result<void> checkFolderForWriting(const std::string& path);

}  // namespace dais::store::detail
