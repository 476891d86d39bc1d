// The scenario file behind the main window: opening (also from the recent files and the
// scenario library), saving, asking about unsaved changes, the window title, and the validity
// label and description that follow the document's edits.
#include <QFileDialog>
#include <QFileInfo>
#include <QLabel>
#include <QMenu>
#include <QMessageBox>
#include <QPlainTextEdit>
#include <QSettings>
#include <QStatusBar>
#include <QTextBrowser>
#include <QUndoStack>

#include "ui/main_window.h"
#include "ui/main_window_helpers.h"
#include "ui/network_canvas.h"
#include "ui/scenario_document.h"
#include "ui/scenario_library.h"

namespace dais::studio {

bool MainWindow::openFile(const QString& path) {
    const auto opened = doc_->open(path);
    if (!opened) {
        QMessageBox::warning(this, tr("Open"), QString::fromStdString(opened.error().message));
        return false;
    }
    addRecent(doc_->path());
    return true;
}

void MainWindow::openLibrary() {
    ScenarioLibraryDialog dialog(scenarioFolders(), this);
    if (!doc_->path().isEmpty()) dialog.choose(doc_->path());
    if (dialog.exec() != QDialog::Accepted || dialog.chosenPath().isEmpty()) return;
    if (maybeSave()) openFile(dialog.chosenPath());
}

void MainWindow::addRecent(const QString& path) {
    QSettings settings;
    QStringList recent = settings.value("recentFiles").toStringList();
    recent.removeAll(path);
    recent.prepend(path);
    while (recent.size() > 10)
        recent.removeLast();
    settings.setValue("recentFiles", recent);
    rebuildRecentMenu();
}

void MainWindow::rebuildRecentMenu() {
    recentMenu_->clear();
    const QStringList recent = QSettings().value("recentFiles").toStringList();
    for (int i = 0; i < recent.size(); ++i) {
        QAction* a = recentMenu_->addAction(
            QStringLiteral("&%1 %2").arg(i + 1).arg(QFileInfo(recent[i]).fileName()));
        a->setToolTip(recent[i]);
        const QString path = recent[i];
        connect(a, &QAction::triggered, this, [this, path] {
            if (maybeSave()) openFile(path);
        });
    }
    recentMenu_->setEnabled(!recent.isEmpty());
}

void MainWindow::updateTitle() {
    setWindowTitle(QStringLiteral("%1[*] — DAIS Studio").arg(doc_->displayName()));
    setWindowModified(doc_->modified());
}

bool MainWindow::save() {
    if (doc_->path().isEmpty()) return saveAs();
    const auto saved = doc_->save();
    if (!saved) {
        QMessageBox::warning(this, tr("Save"), QString::fromStdString(saved.error().message));
        return false;
    }
    return true;
}

bool MainWindow::saveAs() {
    QString path = QFileDialog::getSaveFileName(this, tr("Save the scenario"), doc_->path(),
                                                tr("DAIS scenarios (*.dais.json)"));
    if (path.isEmpty()) return false;
    if (!path.endsWith(".json")) path += ".dais.json";
    const auto saved = doc_->saveAs(path);
    if (!saved) {
        QMessageBox::warning(this, tr("Save"), QString::fromStdString(saved.error().message));
        return false;
    }
    addRecent(doc_->path());
    return true;
}

bool MainWindow::maybeSave() {
    if (!doc_->modified()) return true;
    const auto answer = QMessageBox::warning(
        this, tr("Unsaved changes"),
        tr("%1 has changes that are not saved. Save them?").arg(doc_->displayName()),
        QMessageBox::Save | QMessageBox::Discard | QMessageBox::Cancel, QMessageBox::Save);
    if (answer == QMessageBox::Save) return save();
    return answer == QMessageBox::Discard;
}

/// The title, the validity label, the description and the status line follow the document and the
/// canvas.
void MainWindow::followDocument() {
    connect(doc_, &ScenarioDocument::pathChanged, this, &MainWindow::updateTitle);
    connect(doc_->undoStack(), &QUndoStack::cleanChanged, this, &MainWindow::updateTitle);
    connect(doc_, &ScenarioDocument::validated, this, [this] {
        const auto& problems = doc_->problems();
        validityLabel_->setText(problems.empty()
                                    ? tr("✓ valid")
                                    : tr("✗ %n problem(s)", nullptr, int(problems.size())));
        validityLabel_->setStyleSheet(problems.empty() ? "color: #2e8b57" : "color: #d03030");
        validityLabel_->setToolTip(problemLines(problems).join('\n'));
        updateRunActions();
        refreshLayers();
    });
    connect(doc_, &ScenarioDocument::changed, this, [this] {
        if (!descriptionEditor_->hasFocus()) {
            const Json* d = doc_->at("/meta/description");
            const QString text =
                d && d->is_string() ? QString::fromStdString(d->get<std::string>()) : QString();
            description_->setMarkdown(text);
            if (descriptionEditor_->toPlainText() != text) descriptionEditor_->setPlainText(text);
        }
    });
    connect(canvas_, &NetworkCanvas::selectionChanged, this, &MainWindow::selectionChanged);
    connect(canvas_, &NetworkCanvas::message, this,
            [this](const QString& m) { statusBar()->showMessage(m, m.isEmpty() ? 1 : 8000); });
}

}  // namespace dais::studio
