#pragma once
// What the studio's window suites share: a private run store and settings in a temporary
// folder, so that no test touches the user's; writing what a widget draws to PNG, kept in
// DAIS_CANVAS_SNAPSHOTS when that names a folder, to look at; and answering modal dialogs.
#include <QApplication>
#include <QDir>
#include <QFile>
#include <QSettings>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTimer>
#include <QtTest>

#include <functional>

#include "../private_runtime_dir.h"

namespace studiotest {

/// For initTestCase: the run store, the settings and the runtime folder in `dir`.
inline void useTemporaryStoreAndSettings(const QTemporaryDir& dir) {
    usePrivateRuntimeDir();
    QVERIFY(dir.isValid());
    qputenv("DAIS_STORE", dir.filePath("runs.sqlite").toUtf8());
    QStandardPaths::setTestModeEnabled(true);
    QSettings::setPath(QSettings::NativeFormat, QSettings::UserScope, dir.filePath("config"));
}

/// Writes `widget` as drawn to `name` in `dir`, and a copy to DAIS_CANVAS_SNAPSHOTS if set.
inline void snapshot(QWidget* widget, const QTemporaryDir& dir, const QString& name) {
    const QString file = dir.filePath(name);
    QVERIFY(widget->grab().save(file));
    const QString keep = qEnvironmentVariable("DAIS_CANVAS_SNAPSHOTS");
    if (keep.isEmpty()) return;
    QDir().mkpath(keep);
    const QString target = QDir(keep).filePath(name);
    QFile::remove(target);
    QVERIFY(QFile::copy(file, target));
}

/// Calls `handle` with the next modal dialog as soon as it is up (polling, so it works whatever
/// opens it: exec() of a message box or a static QInputDialog helper inside an action).
inline void whenModal(const std::function<void(QWidget*)>& handle) {
    auto* timer = new QTimer(qApp);
    timer->setInterval(20);
    QObject::connect(timer, &QTimer::timeout, qApp, [timer, handle] {
        if (QWidget* modal = QApplication::activeModalWidget()) {
            timer->stop();
            timer->deleteLater();
            handle(modal);
        }
    });
    timer->start();
}

}  // namespace studiotest
