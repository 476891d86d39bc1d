// A chart written to a file: PNG at twice the view's size, SVG at the view's logical dpi, and
// every stored point as CSV; and csvField, the CSV quoting the studio's other tables share.
#include <QImage>
#include <QImageWriter>
#include <QLayout>
#include <QSaveFile>
#include <QSvgGenerator>

#include "charts/chart_widget_impl.h"

namespace dais::studio {

namespace {

core::Error failure(const QString& message) {
    return core::Error{message.toStdString()};
}

}  // namespace

void ChartWidget::Impl::drawInto(QPainter& painter, QSize size) {
    const QRectF target(QPointF(0, 0), size);
    painter.fillRect(target, q->palette().color(QPalette::Base));
    chart->scene()->render(&painter, target, chart->geometry());
}

QSize ChartWidget::Impl::renderSize() {
    if (!q->isVisible() && (view->width() < 320 || view->height() < 200)) {
        const QSize size(960, 600);
        q->resize(size);
        if (q->layout()) q->layout()->activate();
        view->resize(size);
        chart->resize(QSizeF(size));
        view->setSceneRect(QRectF(QPointF(0, 0), QSizeF(size)));
        settleLayout();
    }
    q->refreshNow();
    return chart->size().toSize();
}

core::Result<void> ChartWidget::exportPng(const QString& path) {
    const QSize size = d->renderSize();
    constexpr qreal scale = 2;  // crisp on high-density screens and in documents
    QImage image(size * scale, QImage::Format_ARGB32_Premultiplied);
    image.setDevicePixelRatio(scale);
    image.fill(palette().color(QPalette::Base));
    {
        QPainter painter(&image);
        painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
        d->drawInto(painter, size);
    }
    QImageWriter writer(path, "png");
    if (!writer.write(image))
        return failure(tr("Cannot write the image %1: %2").arg(path, writer.errorString()));
    return {};
}

core::Result<void> ChartWidget::exportSvg(const QString& path) {
    const QSize size = d->renderSize();
    {
        // Fails early with a clear message where QSvgGenerator would only warn.
        QSaveFile probe(path);
        if (!probe.open(QIODevice::WriteOnly))
            return failure(tr("Cannot write the image %1: %2").arg(path, probe.errorString()));
        probe.cancelWriting();
    }
    QSvgGenerator generator;
    generator.setFileName(path);
    generator.setSize(size);
    generator.setViewBox(QRect(QPoint(0, 0), size));
    generator.setResolution(d->view->logicalDpiX());
    generator.setTitle(d->chart->title().isEmpty() ? tr("DAIS chart") : d->chart->title());
    generator.setDescription(tr("Drawn by DAIS"));
    QPainter painter;
    if (!painter.begin(&generator)) return failure(tr("Cannot write the image %1").arg(path));
    painter.setRenderHints(QPainter::Antialiasing | QPainter::TextAntialiasing);
    d->drawInto(painter, size);
    painter.end();
    return {};
}

core::Result<void> ChartWidget::exportCsv(const QString& path) {
    bool intervals = false, plain = false;
    for (const auto& e : d->entries)
        (e->interval ? intervals : plain) = true;
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly | QIODevice::Text))
        return failure(tr("Cannot write the table %1: %2").arg(path, file.errorString()));
    QByteArray out;
    out += intervals && !plain ? "series,x,mean,low,high\n"
           : intervals         ? "series,x,y,low,high\n"
                               : "series,x,y\n";
    auto flush = [&] {
        if (file.write(out) != out.size()) return false;
        out.clear();
        return true;
    };
    auto number = [](double v) { return chartNumber(v).toLatin1(); };
    for (const auto& e : d->entries) {
        const QByteArray name = csvField(e->name).toUtf8() + ',';
        if (e->interval) {
            for (const IntervalPoint& p : e->intervals)
                out += name + number(p.x) + ',' + number(p.mean) + ',' + number(p.low) + ',' +
                       number(p.high) + '\n';
        } else {
            for (const QPointF& p : e->data.points()) {
                out += name + number(p.x()) + ',' + number(p.y());
                out += intervals ? ",,\n" : "\n";
                if (out.size() > (1 << 20) && !flush()) break;
            }
        }
    }
    if (!flush() || !file.commit())
        return failure(tr("Cannot write the table %1: %2").arg(path, file.errorString()));
    return {};
}

QString csvField(const QString& s) {
    if (!s.contains(QLatin1Char(',')) && !s.contains(QLatin1Char('"')) &&
        !s.contains(QLatin1Char('\n')) && !s.contains(QLatin1Char('\r')))
        return s;
    QString quoted = s;
    quoted.replace(QLatin1String("\""), QLatin1String("\"\""));
    return QLatin1Char('"') + quoted + QLatin1Char('"');
}

}  // namespace dais::studio
