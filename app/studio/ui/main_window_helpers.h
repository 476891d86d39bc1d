#pragma once
// What the main window's files share: making a named action, and the validator's problems as
// lines of text. The window itself is spread over these files:
//   main_window.cpp          construction, the run store, window state, theme, closing
//   main_window_menus.cpp    the File, Edit, View and Help menus, the edit toolbar, the guide
//   main_window_run.cpp      the Run menu and toolbar, the speed slider, starting a run and
//                            following it in the status bar
//   main_window_files.cpp    opening and saving scenario files, recent files, the title
//   main_window_docks.cpp    the docks: palette, layers, description, properties, event log,
//                            live charts and run history
//   main_window_results.cpp  tabs of stored runs and comparisons, sweeps, chart exports

#include <QAction>
#include <QKeySequence>
#include <QObject>
#include <QStringList>

#include <vector>

#include "ui/main_window.h"
#include "ui/scenario_document.h"

namespace dais::studio {

/// An action with an object name (tests and the settings find it by that name) that runs `slot`
/// when triggered.
template <class Slot>
QAction* makeAction(MainWindow* window, const QString& name, const QString& text,
                    const QKeySequence& key, Slot slot, const QIcon& icon = {}) {
    auto* a = new QAction(icon, text, window);
    a->setObjectName(name);
    if (!key.isEmpty()) a->setShortcut(key);
    QObject::connect(a, &QAction::triggered, window, slot);
    return a;
}

/// Each problem on a line: "pointer: message", or the message alone for the whole file.
QStringList problemLines(const std::vector<Problem>& problems);

}  // namespace dais::studio
