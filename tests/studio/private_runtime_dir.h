#pragma once
// The studio's suites run where XDG_RUNTIME_DIR may be unset (a CI container): Qt then warns
// and some platforms refuse to start. Each suite calls this first to give itself a private one.
#include <QFile>
#include <QTemporaryDir>
#include <QtGlobal>

namespace studiotest {

/// Sets XDG_RUNTIME_DIR to a private temporary folder (mode 0700) unless it is set already.
inline void usePrivateRuntimeDir() {
    if (!qEnvironmentVariableIsEmpty("XDG_RUNTIME_DIR")) return;
    static QTemporaryDir runtime;
    QFile::setPermissions(runtime.path(),
                          QFileDevice::ReadOwner | QFileDevice::WriteOwner | QFileDevice::ExeOwner);
    qputenv("XDG_RUNTIME_DIR", runtime.path().toUtf8());
}

}  // namespace studiotest
