#include "ui/scenario_library.h"

#include <QCoreApplication>
#include <QDialogButtonBox>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QHBoxLayout>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QListWidget>
#include <QPushButton>
#include <QSplitter>
#include <QTextBrowser>
#include <QVBoxLayout>

#include <algorithm>

namespace dais::studio {

namespace {

constexpr const char* kDefaultScenario = "continental-edge-cloud.dais.json";

/// Reads what the library shows of one file; a file it cannot read keeps its problem.
LibraryEntry readEntry(const QString& path) {
    LibraryEntry e;
    e.path = path;
    e.name = QFileInfo(path).fileName();
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly)) {
        e.problem = QCoreApplication::translate("ScenarioLibrary", "cannot be read: %1")
                        .arg(file.errorString());
        return e;
    }
    QJsonParseError error{};
    const QJsonDocument doc = QJsonDocument::fromJson(file.readAll(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        e.problem = QCoreApplication::translate("ScenarioLibrary", "not JSON: %1 at byte %2")
                        .arg(error.errorString())
                        .arg(error.offset);
        return e;
    }
    const QJsonObject meta = doc.object().value("meta").toObject();
    if (const QString name = meta.value("name").toString(); !name.isEmpty()) e.name = name;
    e.author = meta.value("author").toString();
    for (const QJsonValue& t : meta.value("tags").toArray())
        e.tags << t.toString();
    e.description = meta.value("description").toString();
    return e;
}

}  // namespace

QStringList scenarioFolders(const QString& programFolder) {
    QStringList candidates;
    for (const QString& part :
         qEnvironmentVariable("DAIS_SCENARIOS").split(':', Qt::SkipEmptyParts))
        candidates << part;
    candidates << (programFolder.isEmpty() ? QCoreApplication::applicationDirPath()
                                           : programFolder) +
                      "/../share/dais/scenarios";
#ifdef DAIS_STUDIO_SOURCE_SCENARIOS
    candidates << QStringLiteral(DAIS_STUDIO_SOURCE_SCENARIOS);
#endif
    QStringList folders;
    for (const QString& c : candidates) {
        const QFileInfo info(c);
        if (!info.isDir()) continue;
        const QString canonical = info.canonicalFilePath();
        if (!folders.contains(canonical)) folders << canonical;
    }
    return folders;
}

QString defaultScenarioPath(const QString& programFolder) {
    for (const QString& folder : scenarioFolders(programFolder))
        if (const QFileInfo f(QDir(folder).filePath(kDefaultScenario)); f.isFile())
            return f.absoluteFilePath();
    return {};
}

std::vector<LibraryEntry> readLibrary(const QStringList& folders) {
    std::vector<LibraryEntry> entries;
    for (const QString& folder : folders) {
        const QDir dir(folder);
        for (const QString& name : dir.entryList({"*.dais.json"}, QDir::Files, QDir::Name))
            entries.push_back(readEntry(dir.filePath(name)));
    }
    std::stable_sort(entries.begin(), entries.end(), [](const auto& a, const auto& b) {
        return a.name.localeAwareCompare(b.name) < 0;
    });
    return entries;
}

ScenarioLibraryDialog::ScenarioLibraryDialog(const QStringList& folders, QWidget* parent)
    : QDialog(parent), entries_(readLibrary(folders)) {
    setObjectName("scenarioLibrary");
    setWindowTitle(tr("Scenario library"));
    resize(900, 560);

    filter_ = new QLineEdit(this);
    filter_->setObjectName("libraryFilter");
    filter_->setPlaceholderText(tr("Filter by name, tag or text"));
    filter_->setClearButtonEnabled(true);
    list_ = new QListWidget(this);
    list_->setObjectName("libraryList");
    for (const LibraryEntry& e : entries_) {
        auto* item = new QListWidgetItem(e.name, list_);
        item->setData(Qt::UserRole, e.path);
        item->setToolTip(e.path);
        if (!e.problem.isEmpty()) item->setForeground(QColor(0xd0, 0x30, 0x30));
    }
    description_ = new QTextBrowser(this);
    description_->setObjectName("libraryDescription");
    description_->setOpenExternalLinks(true);

    auto* left = new QWidget(this);
    auto* lv = new QVBoxLayout(left);
    lv->setContentsMargins(0, 0, 0, 0);
    lv->addWidget(filter_);
    lv->addWidget(list_);
    auto* split = new QSplitter(this);
    split->addWidget(left);
    split->addWidget(description_);
    split->setStretchFactor(1, 2);
    split->setSizes({280, 620});

    auto* buttons = new QDialogButtonBox(QDialogButtonBox::Open | QDialogButtonBox::Cancel, this);
    open_ = buttons->button(QDialogButtonBox::Open);
    connect(buttons, &QDialogButtonBox::accepted, this, &QDialog::accept);
    connect(buttons, &QDialogButtonBox::rejected, this, &QDialog::reject);

    auto* v = new QVBoxLayout(this);
    if (folders.isEmpty() || entries_.empty()) {
        auto* none = new QLabel(
            tr("No scenarios found. Set DAIS_SCENARIOS to a folder of *.dais.json files."), this);
        none->setWordWrap(true);
        v->addWidget(none);
    } else {
        auto* where = new QLabel(tr("From %1").arg(folders.join(", ")), this);
        where->setWordWrap(true);
        where->setEnabled(false);
        v->addWidget(where);
    }
    v->addWidget(split, 1);
    v->addWidget(buttons);

    connect(list_, &QListWidget::currentRowChanged, this, &ScenarioLibraryDialog::showCurrent);
    connect(list_, &QListWidget::itemDoubleClicked, this, [this] {
        if (!chosenPath().isEmpty()) accept();
    });
    connect(filter_, &QLineEdit::textChanged, this, &ScenarioLibraryDialog::applyFilter);
    if (list_->count() > 0) list_->setCurrentRow(0);
    showCurrent();
}

QString ScenarioLibraryDialog::chosenPath() const {
    const QListWidgetItem* item = list_->currentItem();
    if (!item || item->isHidden()) return {};
    const int row = list_->row(item);
    return entries_[std::size_t(row)].problem.isEmpty() ? entries_[std::size_t(row)].path
                                                        : QString();
}

bool ScenarioLibraryDialog::choose(const QString& path) {
    const QString wanted = QFileInfo(path).canonicalFilePath();
    for (int row = 0; row < list_->count(); ++row)
        if (QFileInfo(entries_[std::size_t(row)].path).canonicalFilePath() == wanted) {
            list_->setCurrentRow(row);
            return true;
        }
    return false;
}

void ScenarioLibraryDialog::showCurrent() {
    const int row = list_->currentRow();
    if (row < 0 || list_->item(row)->isHidden()) {
        description_->clear();
        open_->setEnabled(false);
        return;
    }
    const LibraryEntry& e = entries_[std::size_t(row)];
    QString md = "# " + e.name + "\n\n";
    if (!e.problem.isEmpty())
        md += "**" + tr("This file cannot be opened") + "**: " + e.problem + "\n\n";
    if (!e.author.isEmpty()) md += "*" + e.author + "*";
    if (!e.tags.isEmpty())
        md += (e.author.isEmpty() ? "" : " · ") + ("`" + e.tags.join("` `") + "`");
    md += "\n\n" + e.description + "\n\n---\n\n`" + QDir::toNativeSeparators(e.path) + "`\n";
    description_->setMarkdown(md);
    open_->setEnabled(e.problem.isEmpty());
}

void ScenarioLibraryDialog::applyFilter(const QString& text) {
    const QString t = text.trimmed();
    for (int row = 0; row < list_->count(); ++row) {
        const LibraryEntry& e = entries_[std::size_t(row)];
        const bool shown = t.isEmpty() || e.name.contains(t, Qt::CaseInsensitive) ||
                           e.description.contains(t, Qt::CaseInsensitive) ||
                           e.tags.filter(t, Qt::CaseInsensitive).size() > 0;
        list_->item(row)->setHidden(!shown);
    }
    const QListWidgetItem* current = list_->currentItem();
    if (!current || current->isHidden())
        for (int row = 0; row < list_->count(); ++row)
            if (!list_->item(row)->isHidden()) {
                list_->setCurrentRow(row);
                break;
            }
    showCurrent();
}

}  // namespace dais::studio
