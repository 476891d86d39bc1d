// The store file: a new store's schema, migrations from every older schema version, stores
// read where nothing may be written, stores that cannot be created or written (the message names
// the folder and why), and the files the store refuses (each with a message naming the path, the
// file left unchanged and nothing left beside it).
#include <QtTest>

#include <QCryptographicHash>
#include <QDir>
#include <QFile>
#include <QTemporaryDir>

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/fsuid.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <thread>

#include "dais/store/run_store.h"
#include "dais/store/schema.h"

using namespace dais;
using store::RunStore;
using store::StoreOptions;

namespace {

constexpr StoreOptions kReadOnly{.mode = StoreOptions::Mode::ReadOnly};

/// A raw connection for looking at (or building) files the way another program would.
class Raw {
  public:
    explicit Raw(const QString& path, int flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE) {
        if (sqlite3_open_v2(path.toUtf8().constData(), &db_, flags, nullptr) != SQLITE_OK)
            qFatal("cannot open %s: %s", qPrintable(path), sqlite3_errmsg(db_));
    }
    ~Raw() { sqlite3_close(db_); }
    void exec(const QString& sql) {
        char* err = nullptr;
        if (sqlite3_exec(db_, sql.toUtf8().constData(), nullptr, nullptr, &err) != SQLITE_OK) {
            const QString e = err;
            sqlite3_free(err);
            qFatal("%s: %s", qPrintable(sql), qPrintable(e));
        }
    }
    QString text(const QString& sql) {
        sqlite3_stmt* s = nullptr;
        QString out;
        if (sqlite3_prepare_v2(db_, sql.toUtf8().constData(), -1, &s, nullptr) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW && sqlite3_column_text(s, 0) != nullptr)
            out = QString::fromUtf8(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)));
        sqlite3_finalize(s);
        return out;
    }
    qint64 number(const QString& sql) { return text(sql).toLongLong(); }

  private:
    sqlite3* db_ = nullptr;
};

QByteArray readAll(const QString& path) {
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly)) return {};
    return f.readAll();
}

void writeAll(const QString& path, const QByteArray& bytes) {
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        qFatal("cannot write %s", qPrintable(path));
    f.write(bytes);
}

/// Every file in `folder` (SQLite's -wal, -shm and -journal files included) with its size,
/// modification time in nanoseconds and a hash of its bytes: equal snapshots mean nothing in the
/// folder was created, removed or written.
QStringList snapshot(const QString& folder) {
    QStringList out;
    const auto files = QDir(folder).entryInfoList(
        QDir::Files | QDir::Hidden | QDir::System | QDir::NoDotAndDotDot, QDir::Name);
    for (const QFileInfo& f : files) {
        struct stat st = {};
        ::stat(f.filePath().toUtf8().constData(), &st);
        out << QString("%1 %2 bytes, modified %3.%4, sha256 %5")
                   .arg(f.fileName())
                   .arg(f.size())
                   .arg(st.st_mtim.tv_sec)
                   .arg(st.st_mtim.tv_nsec, 9, 10, QChar('0'))
                   .arg(QString::fromLatin1(
                       QCryptographicHash::hash(readAll(f.filePath()), QCryptographicHash::Sha256)
                           .toHex()));
    }
    return out;
}

/// SQLite's companion files of `path` that exist.
QStringList companions(const QString& path) {
    QStringList left;
    for (const char* suffix : {"-wal", "-shm", "-journal"})
        if (QFileInfo::exists(path + suffix)) left << path + suffix;
    return left;
}

/// Runs `fn` with the file permissions of an ordinary user. Root ignores permission bits, so
/// when the tests run as root `fn` runs on a thread of its own whose filesystem identity is
/// nobody's: setfsuid() changes the identity the kernel checks file access against, for that
/// thread only, and drops root's power to override permissions with it. Otherwise `fn` runs here,
/// as the test's own user.
template <class F>
void asOrdinaryUser(F&& fn) {
    if (::geteuid() != 0) {
        fn();
        return;
    }
    std::thread t([&] {
        ::setfsgid(65534);
        ::setfsuid(65534);
        fn();
    });
    t.join();
}

/// Why creating a file in `folder` fails ("" if it does not: the file is then removed).
QString whyNotWritable(const QString& folder) {
    const QByteArray probe = (folder + "/probe").toUtf8();
    const int fd = ::open(probe.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    if (fd < 0) return QString::fromLocal8Bit(std::strerror(errno));
    ::close(fd);
    ::unlink(probe.constData());
    return {};
}

/// Makes a folder (and a file in it) read-only for the test's life, and writable again after, so
/// that the temporary folder can be removed.
class ReadOnly {
  public:
    ReadOnly(QString folder, QString file = {}, mode_t fileMode = 0444)
        : folder_(std::move(folder)), file_(std::move(file)) {
        if (!file_.isEmpty()) ::chmod(file_.toUtf8().constData(), fileMode);
        ::chmod(folder_.toUtf8().constData(), 0555);
    }
    ~ReadOnly() {
        ::chmod(folder_.toUtf8().constData(), 0755);
        if (!file_.isEmpty()) ::chmod(file_.toUtf8().constData(), 0644);
    }
    ReadOnly(const ReadOnly&) = delete;
    ReadOnly& operator=(const ReadOnly&) = delete;

  private:
    QString folder_, file_;
};

/// What a reader found in a store: the error that refused it, or its runs and one run's data.
struct Listing {
    QString error;
    std::vector<store::RunRecord> runs;
    std::size_t samples = 0, finalMetrics = 0;
};

Listing listStore(const QString& path) {
    Listing out;
    auto s = RunStore::open(path.toStdString(), kReadOnly);
    if (!s) {
        out.error = QString::fromStdString(s.error().message);
        return out;
    }
    auto runs = (*s)->listRuns();
    if (!runs) {
        out.error = QString::fromStdString(runs.error().message);
        return out;
    }
    out.runs = *runs;
    if (out.runs.empty()) return out;
    auto samples = (*s)->samples(out.runs.front().id, "net.sent");
    auto finals = (*s)->finalMetrics(out.runs.front().id);
    if (!samples || !finals) {
        out.error = QString::fromStdString((!samples ? samples.error() : finals.error()).message);
        return out;
    }
    out.samples = samples->size();
    out.finalMetrics = finals->size();
    return out;
}

/// Records a finished run of three samples of "net.sent" and one final metric in an open store.
void recordRun(RunStore& s, std::uint64_t seed) {
    auto hash = s.putScenario("demo", R"({"format": "dais-scenario"})");
    if (!hash) qFatal("%s", hash.error().message.c_str());
    store::RunStart start;
    start.scenarioHash = *hash;
    start.scenarioName = "demo";
    start.seed = seed;
    auto w = s.beginRun(start);
    if (!w) qFatal("%s", w.error().message.c_str());
    const sim::MetricInfo info{"net.sent", "messages", "sent", sim::MetricType::Counter,
                               sim::MetricScope::Global};
    sim::MetricValue v;
    v.info = &info;
    for (int k = 0; k < 3; ++k) {
        v.value = 10.0 * k;
        (*w)->sample(sim::SimTime{k} * 1'000'000'000, {&v, 1});
    }
    store::RunFinish finish;
    finish.metrics.push_back({});
    finish.metrics.back().name = "net.sent";
    if (auto finished = (*w)->finish(finish); !finished)
        qFatal("%s", finished.error().message.c_str());
}

/// A store of one run, closed by its writer: in WAL mode, with no -wal or -shm beside it.
void writeStoreWithARun(const QString& path) {
    auto s = RunStore::open(path.toStdString());
    if (!s) qFatal("%s", s.error().message.c_str());
    recordRun(**s, 7);
}

/// Rows that a build of schema `version` would have written: a scenario, a finished run with
/// two metrics' samples and final metrics, and (from version 2) a trace record.
void fillAtVersion(const QString& path, int version) {
    Raw db(path);
    db.exec(
        "INSERT INTO scenarios VALUES ('00000000000000aa', 'old', '{\"run\": {\"seed\": 4}}', "
        "1000)");
    db.exec(
        "INSERT INTO runs (id, scenario_hash, scenario_name, seed, parameters, layer_versions, "
        "host, pid, pid_start, status, error, started_at, finished_at, wall_seconds, events, "
        "simulated_ns, fingerprint) VALUES (5, '00000000000000aa', 'old', 4, '{\"run.seed\": 4}', "
        "'{}', 'elsewhere', 1, 0, 'completed', '', 1000, 2000, 1.5, 1234, 60000000000, "
        "'0123456789abcdef')");
    db.exec(
        "INSERT INTO metrics VALUES (5, 0, 'net.sent', 'messages', 'sent', 'counter', 'global')");
    db.exec(
        "INSERT INTO metrics VALUES (5, 1, 'net.latency', 's', 'latency', 'distribution', "
        "'global')");
    const qint64 base = qint64(5) << 36;
    for (int k = 0; k < 3; ++k) {
        db.exec(QString("INSERT INTO samples VALUES (%1, 0, %2, %3, NULL, NULL, NULL, NULL)")
                    .arg(base + 2 * k)
                    .arg(k * 1'000'000'000LL)
                    .arg(10 * k));
        db.exec(QString("INSERT INTO samples VALUES (%1, 1, %2, 0.5, %3, 0.4, 0.9, 1.0)")
                    .arg(base + 2 * k + 1)
                    .arg(k * 1'000'000'000LL)
                    .arg(k + 1));
    }
    db.exec(
        "INSERT INTO final_metrics VALUES (5, 0, 'net.sent', 'messages', 'sent', 'counter', "
        "'global', 20, 0, 0, 0, 0, 0, 0, 0, 0)");
    if (version >= 2)
        db.exec(
            QString("INSERT INTO trace VALUES (%1, 5, 3, 'fault', 'node 3 crashed')").arg(base));
}

/// A table of two rows: an integer key, a node (named "n0", "n1") and a flag.
std::shared_ptr<const core::InspectorTable> smallTable() {
    auto spec = std::make_shared<core::TableSpec>();
    spec->name = "demo.t";
    spec->title = "T";
    spec->help = "Two rows.";
    spec->columns = {{"id", core::ColumnType::Integer, "", "Id."},
                     {"node", core::ColumnType::Node, "", "Node."},
                     {"ok", core::ColumnType::Flag, "", "Ok."}};
    auto names = core::NodeNames::fromJson(
        {{"nodes", 2}, {"explicit", {"n0", "n1"}}, {"groups", nlohmann::json::array()}});
    if (!names) qFatal("%s", names.error().message.c_str());
    auto t = std::make_shared<core::InspectorTable>(
        std::move(spec), sim::kSecond, std::make_shared<const core::NodeNames>(*names));
    core::TableWriter w(*t);
    w.row().integer(1).node(0).flag(true);
    w.row().integer(2).node(1).flag(false);
    return t;
}

/// One event about node 1 of smallTable()'s network ("n1"), with a digest.
std::shared_ptr<const core::RunEvents> oneEvent() {
    auto catalog = std::make_shared<core::RunEventCatalog>();
    catalog->layers = {{"demo", {{"demo.happened", "It happened."}}}};
    auto ev = std::make_shared<core::RunEvents>();
    ev->catalog = catalog;
    ev->nodes = smallTable()->nodeNames();
    ev->limit = 10;
    core::RunEvent e;
    e.time = sim::kSecond;
    e.node = 1;
    e.hasDigest = true;
    e.digest[0] = 0xab;
    e.detail = "once";
    ev->events.push_back(e);
    return ev;
}

}  // namespace

class TestStoreSchema : public QObject {
    Q_OBJECT
    QTemporaryDir tmp_;
    int serial_ = 0;

    QString freshPath() { return tmp_.filePath(QString("store-%1.sqlite").arg(++serial_)); }
    /// A new folder of its own, which an ordinary user may reach.
    QString freshFolder() {
        const QString folder = tmp_.filePath(QString("folder-%1").arg(++serial_));
        if (!QDir().mkpath(folder)) qFatal("cannot make %s", qPrintable(folder));
        return folder;
    }

    /// Opens a refused WAL-mode file at `path`, read-only or read-write, and checks that the
    /// refusal says `message` and that nothing in its folder changed: the file's bytes and
    /// times are the same, and no -wal, -shm or -journal file was left beside it.
    void checkRefusalLeavesNothing(const QString& path, bool readOnly, const QString& message) {
        // Byte 19 of the header is 2 in WAL mode (asked through SQLite, the question would
        // itself leave a -wal and a -shm).
        QCOMPARE(int(readAll(path).at(19)), 2);
        QCOMPARE(companions(path), QStringList());
        const QString folder = QFileInfo(path).absolutePath();
        const QStringList before = snapshot(folder);
        {
            auto s = RunStore::open(path.toStdString(), readOnly ? kReadOnly : StoreOptions{});
            QVERIFY2(!s.ok(), qPrintable(path));
            const QString error = QString::fromStdString(s.error().message);
            QVERIFY2(error.startsWith(path + ": ") && error.contains(message), qPrintable(error));
        }
        QCOMPARE(companions(path), QStringList());
        QCOMPARE(snapshot(folder), before);
    }

  private slots:
    void initTestCase() {
        // The tests that read as an ordinary user (see asOrdinaryUser) need to reach their
        // folders inside this one.
        QVERIFY(::chmod(tmp_.path().toUtf8().constData(), 0755) == 0);
    }

    void newStoreHasTheCurrentSchema() {
        const QString path = freshPath();
        {
            auto s = RunStore::open(path.toStdString());
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
            QVERIFY(!(*s)->readOnly());
        }
        Raw db(path, SQLITE_OPEN_READONLY);
        QCOMPARE(db.number("PRAGMA user_version"), qint64(store::currentSchemaVersion()));
        QCOMPARE(db.number("PRAGMA application_id"), qint64(store::kApplicationId));
        QCOMPARE(db.text("PRAGMA journal_mode"), QString("wal"));
        for (const char* table : {"scenarios", "runs", "metrics", "samples", "final_metrics",
                                  "trace", "sweeps", "annotations", "inspector_tables",
                                  "inspector_rows", "node_names", "run_events", "run_event_counts"})
            QVERIFY2(db.number(QString("SELECT count(*) FROM sqlite_master WHERE type = 'table' "
                                       "AND name = '%1'")
                                   .arg(table)) == 1,
                     table);
    }

    void createDirectoriesWhenAsked() {
        const QString path = tmp_.filePath("a/b/runs.sqlite");
        auto refused = RunStore::open(path.toStdString());
        QVERIFY(!refused.ok());
        QVERIFY2(QString::fromStdString(refused.error().message).contains("does not exist"),
                 refused.error().message.c_str());
        auto s = RunStore::open(path.toStdString(), {.createDirectories = true});
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        QVERIFY(QFile::exists(path));
    }

    void emptyFilesBecomeStores_data() {
        QTest::addColumn<bool>("sqliteDatabase");
        QTest::newRow("empty file") << false;
        QTest::newRow("empty SQLite database") << true;
    }
    void emptyFilesBecomeStores() {
        QFETCH(bool, sqliteDatabase);
        const QString path = freshPath();
        if (sqliteDatabase)
            Raw(path).exec("PRAGMA user_version = 0");
        else
            writeAll(path, {});
        {
            auto s = RunStore::open(path.toStdString());
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        }
        QCOMPARE(Raw(path).number("PRAGMA user_version"), qint64(store::currentSchemaVersion()));
    }

    void validStoreInReadOnlyFolderLists() {
        // A store in a folder nobody may write, itself read-only, as a store shared on read-only
        // media or in another user's folder. It is in WAL mode with no -wal or -shm beside it
        // (its last writer closed it), and SQLite cannot create them there: a read-only open
        // must still list its runs and read them, and must write nothing (no journal mode
        // change, no schema, no companion files: the folder's files, bytes and times are the
        // same after). The reader runs as an ordinary user, for whom the folder is read-only
        // even when the tests run as root, which the first check below proves.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        writeStoreWithARun(path);
        QCOMPARE(companions(path), QStringList());
        ReadOnly guard(folder, path);
        const QStringList before = snapshot(folder);
        QString denied;
        Listing found;
        asOrdinaryUser([&] {
            denied = whyNotWritable(folder);
            found = listStore(path);
        });
        QCOMPARE(denied, QString::fromLocal8Bit(std::strerror(EACCES)));
        QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
        QCOMPARE(found.runs.size(), std::size_t{1});
        QCOMPARE(found.runs.front().seed, std::uint64_t{7});
        QCOMPARE(found.runs.front().status, store::RunStatus::Completed);
        QCOMPARE(found.samples, std::size_t{3});
        QCOMPARE(found.finalMetrics, std::size_t{1});
        QCOMPARE(snapshot(folder), before);
    }

    void olderStoreInReadOnlyFolderLists() {
        // An older store is read through an upgraded copy in memory; in a read-only folder the
        // copy is taken without writing anything either.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        QVERIFY(store::createStoreAtVersion(path.toStdString(), 1).ok());
        fillAtVersion(path, 1);
        QCOMPARE(companions(path), QStringList());
        ReadOnly guard(folder, path);
        const QStringList before = snapshot(folder);
        Listing found;
        asOrdinaryUser([&] { found = listStore(path); });
        QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
        QCOMPARE(found.runs.size(), std::size_t{1});
        QCOMPARE(found.runs.front().id, store::RunId{5});
        QCOMPARE(found.samples, std::size_t{3});
        QCOMPARE(snapshot(folder), before);
    }

    void readOnlyStoreFileLists() {
        // A store file its reader may not write, in a folder it may: read as any SQLite reader
        // reads a WAL-mode file, the file itself unchanged.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        writeStoreWithARun(path);
        QVERIFY(::chmod(path.toUtf8().constData(), 0444) == 0);
        QVERIFY(::chmod(folder.toUtf8().constData(), 0777) == 0);
        const QByteArray bytes = readAll(path);
        Listing found;
        asOrdinaryUser([&] { found = listStore(path); });
        QVERIFY(::chmod(folder.toUtf8().constData(), 0755) == 0);
        QVERIFY2(found.error.isEmpty(), qPrintable(found.error));
        QCOMPARE(found.runs.size(), std::size_t{1});
        QCOMPARE(found.samples, std::size_t{3});
        QCOMPARE(readAll(path), bytes);
    }

    void storeInUseInReadOnlyFolderListsNewRuns() {
        // While a writer (one that may write the folder) has the store open, its -wal and -shm
        // files exist and hold what it committed last. A reader in the read-only folder reads
        // through them, so it lists those runs, and runs committed after it opened.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        auto writer = RunStore::open(path.toStdString());
        QVERIFY(writer.ok());
        recordRun(**writer, 1);
        QVERIFY(QFileInfo::exists(path + "-wal"));
        ReadOnly guard(folder);
        std::unique_ptr<RunStore> reader;
        QString error;
        std::size_t first = 0, second = 0;
        asOrdinaryUser([&] {
            auto s = RunStore::open(path.toStdString(), kReadOnly);
            if (!s) {
                error = QString::fromStdString(s.error().message);
                return;
            }
            reader = std::move(s).value();
            first = reader->listRuns()->size();
        });
        QVERIFY2(error.isEmpty(), qPrintable(error));
        recordRun(**writer, 2);
        asOrdinaryUser([&] { second = reader->listRuns()->size(); });
        QCOMPARE(first, std::size_t{1});
        QCOMPARE(second, std::size_t{2});
    }

    void newStoreInReadOnlyFolderNamesFolder() {
        // Creating a store where its folder cannot be written says which folder and why, not
        // SQLite's "unable to open database file"; nothing is created.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        ReadOnly guard(folder);
        QString error;
        asOrdinaryUser([&] {
            auto s = RunStore::open(path.toStdString());
            if (!s) error = QString::fromStdString(s.error().message);
        });
        QCOMPARE(error, path + ": cannot create the run store: the folder " + folder +
                            " is not writable (" + QString::fromLocal8Bit(std::strerror(EACCES)) +
                            ")");
        QCOMPARE(QDir(folder).entryList(QDir::AllEntries | QDir::Hidden | QDir::NoDotAndDotDot),
                 QStringList());
    }

    void newStoreInMissingFolderNamesFolder() {
        // A folder that does not exist, and one that cannot be made (its parent is read-only).
        const QString parent = freshFolder();
        const QString path = parent + "/missing/runs.sqlite";
        auto refused = RunStore::open(path.toStdString());
        QVERIFY(!refused.ok());
        QCOMPARE(QString::fromStdString(refused.error().message),
                 path + ": cannot create the run store: the folder " + parent +
                     "/missing does not exist");
        ReadOnly guard(parent);
        QString error;
        asOrdinaryUser([&] {
            auto s = RunStore::open(path.toStdString(), {.createDirectories = true});
            if (!s) error = QString::fromStdString(s.error().message);
        });
        QCOMPARE(error, path + ": cannot create the run store: cannot create the folder " + parent +
                            "/missing (" + QString::fromLocal8Bit(std::strerror(EACCES)) + ")");
        QVERIFY(!QFileInfo::exists(parent + "/missing"));
    }

    void writingStoreInReadOnlyFolderNamesFolder() {
        // Writing to a store needs its -wal and -shm beside it: with a writable file in a
        // read-only folder the refusal names the folder, and the store is left as it was.
        const QString folder = freshFolder();
        const QString path = folder + "/runs.sqlite";
        writeStoreWithARun(path);
        ReadOnly guard(folder, path, 0666);
        const QStringList before = snapshot(folder);
        QString error;
        asOrdinaryUser([&] {
            auto s = RunStore::open(path.toStdString());
            if (!s) error = QString::fromStdString(s.error().message);
        });
        QVERIFY2(error.startsWith(path + ": cannot write to the run store: the folder " + folder +
                                  " is not writable (" +
                                  QString::fromLocal8Bit(std::strerror(EACCES)) + ")"),
                 qPrintable(error));
        QCOMPARE(snapshot(folder), before);
    }

    void refusedForeignDatabaseLeavesNoWalShm_data() { refusalModes(); }
    void refusedForeignDatabaseLeavesNoWalShm() {
        // A database of another program, in WAL mode and closed (no -wal, no -shm): SQLite
        // creates both to read it, even read-only, and a reader cannot remove them after.
        QFETCH(bool, readOnly);
        const QString path = freshFolder() + "/customers.sqlite";
        Raw(path).exec(
            "PRAGMA journal_mode = WAL; CREATE TABLE customers (id INTEGER PRIMARY KEY, name "
            "TEXT)");
        checkRefusalLeavesNothing(path, readOnly, "a SQLite database of another application");
    }

    void refusedNewerStoreLeavesNoWalShm_data() { refusalModes(); }
    void refusedNewerStoreLeavesNoWalShm() {
        QFETCH(bool, readOnly);
        const QString path = freshFolder() + "/runs.sqlite";
        writeStoreWithARun(path);
        Raw(path).exec(QString("PRAGMA user_version = %1").arg(store::currentSchemaVersion() + 1));
        checkRefusalLeavesNothing(path, readOnly, "written by a newer DAIS");
    }

    void storeWithOtherTablesRefusedBeforeWriting() {
        // A file with the store's application id and schema version whose tables are not the
        // store's (a column renamed) and which holds a running run of a process that has ended.
        // Opened to write, it was refused only after that run was marked interrupted, so the
        // refused file had changed. Its tables are now checked before anything is written.
        const QString path = freshFolder() + "/runs.sqlite";
        writeStoreWithARun(path);
        Raw(path).exec(
            "UPDATE runs SET status = 'running', pid = 2147483646, pid_start = 1; "
            "ALTER TABLE samples RENAME COLUMN t TO time");
        checkRefusalLeavesNothing(path, false,
                                  "the run store is damaged: its tables are not the ones this "
                                  "build writes (table samples has no column named t)");
    }

    void olderStoreRefusedAfterUpgradeIsLeftAsFound() {
        // An older store that cannot be written once upgraded (here its samples table lacks a
        // column the writer needs): the upgrade steps were committed one by one before the
        // refusal, so the refused file had changed. Upgrading, checking and marking runs are
        // now one transaction, rolled back on a refusal.
        const QString path = freshFolder() + "/runs.sqlite";
        QVERIFY(store::createStoreAtVersion(path.toStdString(), 1).ok());
        fillAtVersion(path, 1);
        Raw(path).exec("ALTER TABLE samples RENAME COLUMN t TO time");
        checkRefusalLeavesNothing(path, false,
                                  "the run store is damaged: its tables are not the ones this "
                                  "build writes (table samples has no column named t)");
        QCOMPARE(Raw(path).number("PRAGMA user_version"), qint64(1));
    }

    void refusedDamagedStoreLeavesNoWalShm_data() { refusalModes(); }
    void refusedDamagedStoreLeavesNoWalShm() {
        QFETCH(bool, readOnly);
        const QString path = freshFolder() + "/runs.sqlite";
        {
            auto s = RunStore::open(path.toStdString());
            QVERIFY(s.ok());
            for (char c = 'a'; c < 'f'; ++c)  // a file of many pages
                QVERIFY((*s)->putScenario("big", std::string(20000, c)).ok());
        }
        QByteArray bytes = readAll(path);
        for (int i = 2 * 4096; i < 4 * 4096; ++i)  // the runs table and its id sequence
            bytes[i] = static_cast<char>(0xA5 ^ (i * 7));
        writeAll(path, bytes);
        checkRefusalLeavesNothing(path, readOnly, "the run store is damaged");
    }

    void stepsAreNumberedFromOne() {
        QVERIFY(store::currentSchemaVersion() >= 3);
        QVERIFY(store::schemaStep(0).empty());
        QVERIFY(store::schemaStep(store::currentSchemaVersion() + 1).empty());
        for (int v = 1; v <= store::currentSchemaVersion(); ++v)
            QVERIFY(!store::schemaStep(v).empty());
        QVERIFY(!store::createStoreAtVersion(freshPath().toStdString(), 0).ok());
    }

    void migratesFromEveryOlderVersion_data() {
        QTest::addColumn<int>("version");
        QTest::addColumn<bool>("readOnlyFirst");
        for (int v = 1; v < store::currentSchemaVersion(); ++v) {
            QTest::addRow("from %d", v) << v << false;
            QTest::addRow("from %d, read-only first", v) << v << true;
        }
    }
    void migratesFromEveryOlderVersion() {
        QFETCH(int, version);
        QFETCH(bool, readOnlyFirst);
        const QString path = freshPath();
        const auto created = store::createStoreAtVersion(path.toStdString(), version);
        QVERIFY2(created.ok(), created.ok() ? "" : created.error().message.c_str());
        QCOMPARE(Raw(path).number("PRAGMA user_version"), qint64(version));
        fillAtVersion(path, version);

        auto check = [&](const RunStore& s) {
            auto runs = s.listRuns();
            QVERIFY(runs.ok());
            QCOMPARE(runs->size(), std::size_t{1});
            const store::RunRecord& r = runs->front();
            QCOMPARE(r.id, store::RunId{5});
            QCOMPARE(r.scenarioName, std::string("old"));
            QCOMPARE(r.seed, std::uint64_t{4});
            QCOMPARE(r.parameters["run.seed"].get<int>(), 4);
            QCOMPARE(r.status, store::RunStatus::Completed);
            QCOMPARE(r.events, std::uint64_t{1234});
            QCOMPARE(r.fingerprint, std::string("0123456789abcdef"));
            QVERIFY(!r.sweep.has_value());
            QCOMPARE(r.pointIndex, std::int64_t{-1});
            auto latency = s.samples(5, "net.latency");
            QVERIFY(latency.ok());
            QCOMPARE(latency->size(), std::size_t{3});
            QCOMPARE((*latency)[2].count, std::uint64_t{3});
            QCOMPARE((*latency)[2].p95, 0.9);
            auto sent = s.samples(5, "net.sent");
            QVERIFY(sent.ok());
            QCOMPARE(sent->size(), std::size_t{3});
            QCOMPARE((*sent)[1].value, 10.0);
            auto finals = s.finalMetrics(5);
            QVERIFY(finals.ok());
            QCOMPARE(finals->size(), std::size_t{1});
            QCOMPARE(finals->front().value, 20.0);
            auto trace = s.trace(5);
            QVERIFY(trace.ok());
            QCOMPARE(trace->size(), std::size_t(version >= 2 ? 1 : 0));
            auto tables = s.tables(5);  // runs from before tables were kept have none
            QVERIFY(tables.ok());
            QVERIFY(tables->empty());
            auto events = s.events(5);  // nor had runs from before events were kept
            QVERIFY(events.ok());
            QVERIFY(events->empty());
            auto eventCounts = s.eventCounts(5);
            QVERIFY(eventCounts.ok());
            QVERIFY(!eventCounts->has_value());
        };

        if (readOnlyFirst) {
            // Read-only, an older store is read as it is, and the file is not touched.
            const QByteArray before = readAll(path);
            {
                auto ro = RunStore::open(path.toStdString(), kReadOnly);
                QVERIFY2(ro.ok(), ro.ok() ? "" : ro.error().message.c_str());
                check(**ro);
                if (QTest::currentTestFailed()) return;
            }
            QCOMPARE(readAll(path), before);
            QCOMPARE(Raw(path).number("PRAGMA user_version"), qint64(version));
        }
        {
            auto s = RunStore::open(path.toStdString());
            QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
            check(**s);
            if (QTest::currentTestFailed()) return;
            // What the later steps added works on the migrated file.
            QVERIFY((*s)->annotate(5, "kept across the upgrade").ok());
            auto sweep = (*s)->createSweep({"00000000000000aa", "latency", {{"points", 2}}});
            QVERIFY(sweep.ok());
            store::RunStart start;
            start.scenarioHash = "00000000000000aa";
            start.scenarioName = "old";
            start.sweep = *sweep;
            start.pointIndex = 1;
            auto w = (*s)->beginRun(start);
            QVERIFY(w.ok());
            QVERIFY((*w)->id() > 5);  // ids are never reused
            store::RunFinish finish;
            finish.tables = {smallTable()};
            finish.runEvents = oneEvent();
            QVERIFY((*w)->finish(finish).ok());
            auto events = (*s)->events((*w)->id());
            QVERIFY2(events.ok(), events.ok() ? "" : events.error().message.c_str());
            QCOMPARE(events->size(), std::size_t{1});
            QCOMPARE(events->front().nodeName, std::string("n1"));
            auto kept = (*s)->table((*w)->id(), "demo.t");
            QVERIFY2(kept.ok(), kept.ok() ? "" : kept.error().message.c_str());
            QCOMPARE(kept->rowCount(), std::size_t{2});
            auto members = (*s)->sweepRuns(*sweep);
            QVERIFY(members.ok());
            QCOMPARE(members->size(), std::size_t{1});
        }
        Raw db(path);
        QCOMPARE(db.number("PRAGMA user_version"), qint64(store::currentSchemaVersion()));
        QCOMPARE(db.text("PRAGMA integrity_check"), QString("ok"));
    }

    // A stored table whose rows or description were damaged (by another program, or a disk) is
    // reported, naming the run, the table and the row; the run's other records still read.
    void damagedTablesAreReported_data() {
        QTest::addColumn<QString>("damage");
        QTest::addColumn<QString>("message");
        const QString first =
            "UPDATE inspector_rows SET cells = %1 WHERE id = (SELECT min(id) "
            "FROM inspector_rows)";
        QTest::newRow("not JSON") << first.arg("'[1, 0'") << "row 1 is not a list of cells";
        QTest::newRow("too few cells") << first.arg("'[1]'") << "row 1 has 1 cells for 3 columns";
        QTest::newRow("wrong type") << first.arg("'[\"one\", 0, 1]'")
                                    << "row 1, column \"id\": \"one\" is not a valid integer cell";
        QTest::newRow("not a node")
            << first.arg("'[1, -3, 1]'") << "row 1, column \"node\": -3 is not a valid node cell";
        QTest::newRow("empty key") << first.arg("'[null, 0, 1]'")
                                   << "table \"demo.t\", row 1: the key column \"id\" cannot be "
                                      "empty";
        QTest::newRow("a row gone") << "DELETE FROM inspector_rows WHERE id = (SELECT max(id) FROM "
                                       "inspector_rows)"
                                    << "it has 1 rows of the 2 it was stored with";
        QTest::newRow("description") << "UPDATE inspector_tables SET spec = '{\"name\": 3}'"
                                     << "a table's description lacks its name, title or help";
        QTest::newRow("column type")
            << "UPDATE inspector_tables SET spec = replace(spec, '\"flag\"', '\"colour\"')"
            << "table \"demo.t\": column \"ok\" has an unknown type \"colour\"";
        QTest::newRow("node names") << "UPDATE node_names SET names = '[1, 2]'"
                                    << "the names of the network's nodes are damaged";
    }
    void damagedTablesAreReported() {
        QFETCH(QString, damage);
        QFETCH(QString, message);
        const QString path = freshPath();
        store::RunId id = 0;
        {
            auto s = RunStore::open(path.toStdString());
            QVERIFY(s.ok());
            auto hash = (*s)->putScenario("demo", "{}");
            QVERIFY(hash.ok());
            store::RunStart start;
            start.scenarioHash = *hash;
            start.scenarioName = "demo";
            auto w = (*s)->beginRun(start);
            QVERIFY(w.ok());
            id = (*w)->id();
            store::RunFinish finish;
            finish.tables = {smallTable()};
            finish.runEvents = oneEvent();
            QVERIFY((*w)->finish(finish).ok());
            auto events = (*s)->events((*w)->id());
            QVERIFY2(events.ok(), events.ok() ? "" : events.error().message.c_str());
            QCOMPARE(events->size(), std::size_t{1});
            QCOMPARE(events->front().nodeName, std::string("n1"));
            auto good = (*s)->table(id, "demo.t");
            QVERIFY(good.ok());
            QCOMPARE(good->text(1, 1), std::string("n1"));
        }
        Raw(path).exec(damage);
        auto s = RunStore::open(path.toStdString(), kReadOnly);
        QVERIFY2(s.ok(), s.ok() ? "" : s.error().message.c_str());
        auto t = (*s)->table(id, "demo.t");
        QVERIFY(!t.ok());
        const QString error = QString::fromStdString(t.error().message);
        const QString expected =
            path + QString(": run %1, table \"demo.t\" is damaged: ").arg(id) + message;
        QCOMPARE(error, expected);
        // What else the run holds still reads.
        QVERIFY((*s)->run(id).ok());
        auto listed = (*s)->tables(id);
        QVERIFY(listed.ok());
        QCOMPARE(listed->size(), std::size_t{1});
    }

    void refusals_data() {
        QTest::addColumn<QString>("kind");
        QTest::addColumn<bool>("readOnly");
        QTest::addColumn<QString>("message");
        const QStringList both = {"read-write", "read-only"};
        for (int ro = 0; ro < 2; ++ro) {
            const bool r = ro == 1;
            auto row = [&](const char* kind, const QString& message) {
                QTest::addRow("%s, %s", kind, qPrintable(both[ro])) << kind << r << message;
            };
            row("folder", "is a folder, not a run store file");
            row("text file", "not a SQLite database, so not a DAIS run store");
            row("short file", "not a SQLite database, so not a DAIS run store");
            row("foreign SQLite",
                "a SQLite database of another application (application id "
                "0x00000000), not a DAIS run store");
            row("other application id",
                "a SQLite database of another application (application "
                "id 0x0000002a), not a DAIS run store");
            row("newer store", QString("written by a newer DAIS: schema %1, this build reads up "
                                       "to %2")
                                   .arg(store::currentSchemaVersion() + 1)
                                   .arg(store::currentSchemaVersion()));
            row("damaged pages", "the run store is damaged");
            row("damaged pages, large-file check", "the run store is damaged");
            row("damaged header", "the run store is damaged");
            row("unreadable", "cannot read it (Permission denied)");
        }
        QTest::addRow("missing, read-only") << "missing" << true << "no such file";
        QTest::addRow("empty file, read-only")
            << "empty file" << true << "an empty file, not a run store";
        QTest::addRow("empty SQLite database, read-only")
            << "empty SQLite database" << true << "an empty SQLite database, not a run store";
    }
    void refusals() {
        QFETCH(QString, kind);
        QFETCH(bool, readOnly);
        QFETCH(QString, message);
        QString path = freshPath();
        if (kind == "folder") {
            QVERIFY(QDir().mkpath(path));
        } else if (kind == "text file") {
            writeAll(path, "name,value\nlatency,12\n");
        } else if (kind == "short file") {
            writeAll(path, "SQLite for");
        } else if (kind == "foreign SQLite") {
            Raw(path).exec("CREATE TABLE customers (id INTEGER PRIMARY KEY, name TEXT)");
        } else if (kind == "other application id") {
            Raw(path).exec("PRAGMA application_id = 42; CREATE TABLE t (x)");
        } else if (kind == "newer store") {
            QVERIFY(RunStore::open(path.toStdString()).ok());
            Raw(path).exec(
                QString("PRAGMA user_version = %1").arg(store::currentSchemaVersion() + 1));
        } else if (kind.startsWith("damaged")) {
            {
                auto s = RunStore::open(path.toStdString());
                QVERIFY(s.ok());
                for (char c = 'a'; c < 'f'; ++c)  // a file of many pages
                    QVERIFY((*s)->putScenario("big", std::string(20000, c)).ok());
            }
            QByteArray bytes = readAll(path);
            QVERIFY(bytes.size() >= 4 * 4096);
            if (kind.startsWith("damaged pages")) {
                // Pages 3 and 4: the runs table and its id sequence.
                for (int i = 2 * 4096; i < 4 * 4096; ++i)
                    bytes[i] = static_cast<char>(0xA5 ^ (i * 7));
            } else {
                for (int i = 16; i < 100; ++i)  // keep the magic, scramble the rest of the header
                    bytes[i] = static_cast<char>(0xFF);
            }
            writeAll(path, bytes);
        } else if (kind == "unreadable") {
            if (::geteuid() == 0) QSKIP("root reads every file");
            QVERIFY(RunStore::open(path.toStdString()).ok());
            QVERIFY(QFile::setPermissions(path, QFileDevice::WriteOwner));
        } else if (kind == "empty file") {
            writeAll(path, {});
        } else if (kind == "empty SQLite database") {
            Raw(path).exec("PRAGMA user_version = 0");
        }
        const QByteArray before = kind == "folder" ? QByteArray() : readAll(path);
        const bool existed = QFileInfo::exists(path);

        StoreOptions options = readOnly ? kReadOnly : StoreOptions{};
        if (kind.endsWith("large-file check")) options.fullCheckLimit = 0;
        auto s = RunStore::open(path.toStdString(), options);
        QVERIFY2(!s.ok(), qPrintable(kind));
        const QString error = QString::fromStdString(s.error().message);
        QVERIFY2(error.startsWith(path + ": "), qPrintable(error));
        QVERIFY2(error.contains(message), qPrintable(error));

        QCOMPARE(QFileInfo::exists(path), existed);
        if (kind != "folder") QCOMPARE(readAll(path), before);
        QCOMPARE(companions(path), QStringList());
    }

  private:
    static void refusalModes() {
        QTest::addColumn<bool>("readOnly");
        QTest::newRow("read-only") << true;
        QTest::newRow("read-write") << false;
    }
};

QTEST_GUILESS_MAIN(TestStoreSchema)
#include "tst_store_schema.moc"
