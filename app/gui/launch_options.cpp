#include "launch_options.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QFileInfo>

#include "core/error.h"
#include "ecd/pick_text.h"

namespace cw {

namespace {

[[noreturn]] void refuse(const QString& message) {
    throw ConfigError(message.toStdString());
}

std::array<int, 3> parseRepeats(const QString& text) {
    const QStringList parts = text.split(',');
    std::array<int, 3> repeats{1, 1, 1};
    bool ok = parts.size() == 3;
    for (int i = 0; ok && i < 3; ++i) {
        int& n = repeats[static_cast<std::size_t>(i)];
        n = parts[i].trimmed().toInt(&ok);
        ok = ok && n >= 1 && n <= 5;
    }
    if (!ok) refuse("--cells expects NA,NB,NC, each 1 to 5");
    return repeats;
}

QSize parseWindowSize(const QString& text) {
    const QStringList parts = text.toLower().split('x');
    bool wOk = false;
    bool hOk = false;
    QSize size;
    if (parts.size() == 2) size = QSize(parts[0].toInt(&wOk), parts[1].toInt(&hOk));
    if (!wOk || !hOk || size.width() < 320 || size.height() < 240 || size.width() > 16384 ||
        size.height() > 16384)
        refuse("--window-size expects WxH, e.g. 1366x768");
    return size;
}

PickTriple parsePicks(const QString& text) {
    const PickTriple picks = parsePickTriple(text.toStdString(), {}, "--pick");
    for (const Pick& p : picks)
        if (p.site < 0) refuse("--pick expects three site indices I,J,K from 0");
    return picks;
}

QString existingFolder(const QString& path, const char* option) {
    if (!QFileInfo(path).isDir()) refuse(QString("%1 %2 is not a folder").arg(option, path));
    return path;
}

}  // namespace

bool hasFlag(int argc, char** argv, const char* flag) {
    for (int i = 1; i < argc; ++i)
        if (QByteArray(argv[i]).startsWith(flag)) return true;
    return false;
}

LaunchOptions parseLaunchOptions(QApplication& app) {
    QCommandLineParser parser;
    parser.setApplicationDescription("Crystal Workbench: crystals as images for machine learning");
    parser.addHelpOption();
    parser.addVersionOption();
    parser.addPositionalArgument(
        "file", "Crystal file, collection (MP / Alexandria JSON) or folder to open");
    const QCommandLineOption windowSize(
        "window-size",
        "Window size WxH in pixels (default: the screen's free area on a laptop, most of a large "
        "screen; 1440x900 with --screenshot or --export-figures).",
        "WxH");
    const QCommandLineOption crystals(
        "crystals",
        "Judge generated crystals against a reference set (and a training set, for a benchmark: "
        "perov5, carbon24, mp20) in the Crystals panel and open the first crystal (with "
        "--screenshot: once it has finished).",
        "GENERATED,REFERENCE[,TRAINING[,DATASET]]");
    const QCommandLineOption select(
        "select",
        "Select sites in the Structure panel (and light them up in the 3D view): "
        "indices and element symbols, e.g. 0,3 or Fe.",
        "SITES");
    const QCommandLineOption cells("cells", "Show NA,NB,NC unit cells (1–5 each).", "NA,NB,NC");
    const QCommandLineOption evaluate(
        "evaluate",
        "Evaluate the generated images GENERATED against the training slices of the data set REAL "
        "and show the Metrics and Gallery panels (with --screenshot: once it has finished).",
        "REAL,GENERATED");
    const QCommandLineOption propsRun(
        "props-run", "Show the property-prediction run <dir> in the Properties panel.", "dir");
    const QCommandLineOption workspace(
        "workspace",
        "List the training runs of <dir> in the Runs panel and show the training panels.", "dir");
    const QCommandLineOption resetSettings(
        "reset-settings", "Forget the saved window layout and recent files first.");
    const QCommandLineOption screenshot("screenshot",
                                        "Save a PNG of the window to <path> and exit.", "path");
    const QCommandLineOption pick(
        "pick", "Pick sites I,J,K (zero translation) to define the plane.", "I,J,K");
    const QCommandLineOption exportFigures(
        "export-figures",
        "Write view.png, slice.png, slice.npy and crystens.png of the picks to <dir> and exit.",
        "dir");
    const QCommandLineOption exportWidth(
        "export-width", "Width of the exported view.png in pixels (default 1600).", "px", "1600");
    const QCommandLineOption exportTransparent(
        "export-transparent", "With --export-figures: view.png with no background (transparent).");
    parser.addOptions({exportTransparent, windowSize, crystals, select, cells, evaluate, propsRun,
                       workspace, resetSettings, screenshot, pick, exportFigures, exportWidth});
    parser.process(app);

    LaunchOptions o;
    o.files = parser.positionalArguments();
    if (parser.isSet(pick)) o.picks = parsePicks(parser.value(pick));
    if (parser.isSet(cells)) o.repeats = parseRepeats(parser.value(cells));
    if (parser.isSet(windowSize)) o.windowSize = parseWindowSize(parser.value(windowSize));
    bool widthOk = false;
    o.exportWidth = parser.value(exportWidth).toInt(&widthOk);
    if (!widthOk || o.exportWidth < 16 || o.exportWidth > 16384)
        refuse("--export-width expects 16 to 16384 pixels");
    o.exportDir = parser.value(exportFigures);
    o.exportTransparent = parser.isSet(exportTransparent);
    if (parser.isSet(exportFigures) && (o.files.isEmpty() || !o.picks))
        refuse("--export-figures needs a FILE and --pick I,J,K");
    o.screenshot = parser.value(screenshot);
    o.resetSettings = parser.isSet(resetSettings);
    if (parser.isSet(workspace))
        o.workspace = existingFolder(parser.value(workspace), "--workspace");
    if (parser.isSet(propsRun)) o.propsRun = existingFolder(parser.value(propsRun), "--props-run");
    o.select = parser.value(select);
    if (parser.isSet(crystals)) {
        o.crystals = parser.value(crystals).split(',');
        if (o.crystals.size() < 2 || o.crystals.size() > 4 || o.crystals[0].isEmpty() ||
            o.crystals[1].isEmpty())
            refuse("--crystals expects GENERATED,REFERENCE[,TRAINING[,DATASET]]");
        while (o.crystals.size() < 4) o.crystals << QString();
    }
    if (parser.isSet(evaluate)) {
        const QStringList paths = parser.value(evaluate).split(',');
        if (paths.size() != 2 || paths[0].isEmpty() || paths[1].isEmpty())
            refuse("--evaluate expects REAL,GENERATED");
        EvaluationRequest request;
        request.realPath = paths[0];
        request.generatedPath = paths[1];
        o.evaluation = request;
    }
    return o;
}

}  // namespace cw
