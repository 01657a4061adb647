#include "anomaly_score_panel.h"

#include "inspection/anomaly_metrics.h"
#include "score_histogram_view.h"

#include <algorithm>

#include <QComboBox>
#include <QHBoxLayout>
#include <QLabel>
#include <QLocale>
#include <QPushButton>
#include <QSignalBlocker>
#include <QVBoxLayout>

namespace kestrel::widgets {

namespace {

constexpr int kValidation = 0; // the split chooser's rows
constexpr int kTest = 1;

QString percent(double fraction) {
    return QLocale().toString(100.0 * fraction, 'f', 1) + QLatin1Char('%');
}

} // namespace

AnomalyScorePanel::AnomalyScorePanel(QWidget* parent) : QWidget(parent) {
    caption_ = new QLabel;
    caption_->setObjectName("anomalyCaption");
    caption_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    split_ = new QComboBox;
    split_->setObjectName("anomalySplit");
    split_->addItem(tr("Validation"));
    split_->addItem(tr("Test"));
    split_->setToolTip(tr("The images whose scores the histogram shows."));
    splitLabel_ = new QLabel(tr("&Images:"));
    splitLabel_->setBuddy(split_);
    reset_ = new QPushButton(tr("Run's threshold"));
    reset_->setObjectName("resetThreshold");
    reset_->setToolTip(tr("Puts the threshold back to the run's 0.5. The run, its figures and "
                          "its exports always call a part a defect at 0.5; moving the line only "
                          "shows what another threshold would do."));

    view_ = new ScoreHistogramView;
    view_->setObjectName("scoreHistogram");
    view_->setToolTip(tr("Drag the line, or use Left/Right (with Shift in steps of 0.05), to see "
                         "what another threshold would do; Home puts back the run's 0.5, which "
                         "the run and its exports keep. Click a bar to list its parts."));
    rates_ = new QLabel;
    rates_->setObjectName("anomalyRates");
    rates_->setWordWrap(true);
    rates_->setTextInteractionFlags(Qt::TextSelectableByMouse);
    hint_ = new QLabel(tr("What-if only: the run and its exports keep 0.5. Drag the line to see "
                          "another threshold."));
    hint_->setObjectName("anomalyHint");
    hint_->setWordWrap(true);
    QFont small = hint_->font();
    small.setPointSizeF(small.pointSizeF() * 0.9);
    hint_->setFont(small);
    hint_->setForegroundRole(QPalette::PlaceholderText);

    // Caption and hint wrap, so the panel fits a narrow column.
    caption_->setWordWrap(true);
    auto* top = new QHBoxLayout;
    top->addWidget(caption_, 1);
    top->addWidget(splitLabel_);
    top->addWidget(split_);
    auto* bottom = new QHBoxLayout;
    bottom->addWidget(hint_, 1);
    bottom->addWidget(reset_, 0, Qt::AlignTop);
    auto* column = new QVBoxLayout(this);
    column->setContentsMargins(0, 0, 0, 0);
    column->addLayout(top);
    column->addWidget(view_, 1);
    column->addWidget(rates_);
    column->addLayout(bottom);

    connect(split_, &QComboBox::currentIndexChanged, this, [this] { showSplit(); });
    connect(view_, &ScoreHistogramView::thresholdChanged, this, [this] { showRates(); });
    connect(view_, &ScoreHistogramView::barClicked, this, &AnomalyScorePanel::requestBar);
    connect(reset_, &QPushButton::clicked, this,
            [this] { view_->setThreshold(ScoreHistogramView::kRunThreshold); });
    clear();
}

double AnomalyScorePanel::threshold() const {
    return view_->threshold();
}

void AnomalyScorePanel::setThreshold(double threshold) {
    view_->setThreshold(threshold); // the rates follow through thresholdChanged
}

QString AnomalyScorePanel::ratesText() const {
    return rates_->text();
}

void AnomalyScorePanel::setData(const AnomalyScoreData& scores) {
    const bool sameRun = !data_.isEmpty() && scores.runId == data_.runId;
    data_ = scores;
    const auto split = [](const std::vector<AnomalyScoredSample>& samples) {
        SplitScores result;
        for (const AnomalyScoredSample& sample : samples) {
            result.scores.push_back(sample.score);
            result.defect.push_back(sample.defect ? 1 : 0);
        }
        return result;
    };
    validation_ = split(data_.validation);
    test_ = split(data_.test);

    const bool hasTest = !data_.test.empty();
    splitLabel_->setVisible(hasTest);
    split_->setVisible(hasTest);
    {
        const QSignalBlocker blocker(split_);
        if (!hasTest) {
            split_->setCurrentIndex(kValidation);
        } else if (!sameRun) {
            // Validation, unless only test has both kinds of part (an MVTec import keeps its
            // defects in test) or validation has no scores at all.
            const auto both = [](const std::vector<AnomalyScoredSample>& samples) {
                const auto defects = std::count_if(samples.begin(), samples.end(),
                                                   [](const auto& s) { return s.defect; });
                return defects > 0 && defects < static_cast<std::ptrdiff_t>(samples.size());
            };
            const bool openOnTest =
                data_.validation.empty() || (!both(data_.validation) && both(data_.test));
            split_->setCurrentIndex(openOnTest ? kTest : kValidation);
        }
    }
    if (!sameRun) {
        const QSignalBlocker blocker(view_);
        view_->setThreshold(ScoreHistogramView::kRunThreshold);
    }
    caption_->setText(data_.runId > 0 ? tr("Anomaly scores, run #%1").arg(data_.runId)
                                      : tr("Anomaly scores"));
    reset_->setEnabled(!data_.isEmpty());
    showSplit();
    show();
}

void AnomalyScorePanel::clear() {
    setData({});
    hide(); // until an anomaly run's scores arrive
}

bool AnomalyScorePanel::showsTest() const {
    return !data_.test.empty() && split_->currentIndex() == kTest;
}

const std::vector<AnomalyScoredSample>& AnomalyScorePanel::shownSamples() const {
    return showsTest() ? data_.test : data_.validation;
}

QString AnomalyScorePanel::splitName(bool test) const {
    return test ? tr("Test") : tr("Validation");
}

void AnomalyScorePanel::showSplit() {
    const SplitScores& shown = showsTest() ? test_ : validation_;
    view_->setScores(shown.scores, shown.defect);
    showRates();
}

// One split's figures at the current threshold; `named` puts the split's name first, which a
// run with validation scores only does without.
QString AnomalyScorePanel::rateLine(bool test, bool named) const {
    const SplitScores& split = test ? test_ : validation_;
    const QString at = ScoreHistogramView::scoreText(threshold());
    const QString name = splitName(test);
    if (split.scores.empty()) {
        return tr("%1: no scores.").arg(name);
    }
    const inspection::BinaryCounts counts =
        inspection::countsAt(split.scores, split.defect, threshold());
    const std::int64_t defects = counts.truePositives + counts.falseNegatives;
    const std::int64_t goods = counts.falsePositives + counts.trueNegatives;
    if (defects == 0 || goods == 0) {
        const QString parts =
            tr("%1 good parts and %2 defects").arg(goods).arg(defects); // one side is 0
        return (named ? tr("%1: %2; escape and reject rates need both.").arg(name, parts)
                      : tr("%1; escape and reject rates need both.").arg(parts));
    }
    const QString prefix = named ? tr("%1 at %2").arg(name, at) : tr("At %1").arg(at);
    return tr("%1: %2 of %3 defects escape (%4), %5 of %6 good parts rejected (%7)")
        .arg(prefix)
        .arg(counts.falseNegatives)
        .arg(defects)
        .arg(percent(counts.escapeRate()))
        .arg(counts.falsePositives)
        .arg(goods)
        .arg(percent(counts.falseRejectRate()));
}

void AnomalyScorePanel::showRates() {
    if (data_.isEmpty()) {
        rates_->setText(tr("No anomaly scores for this run."));
        return;
    }
    const bool hasTest = !data_.test.empty();
    const bool test = showsTest();
    QString text = rateLine(test, hasTest);
    if (hasTest && !test) {
        text += QLatin1Char('\n') + rateLine(true, true);
    }
    rates_->setText(text);
}

void AnomalyScorePanel::requestBar(int bin, bool defect) {
    ScoredSamples samples;
    for (const AnomalyScoredSample& sample : shownSamples()) {
        if (sample.defect == defect && ScoreHistogramView::binOf(sample.score) == bin) {
            samples.emplace_back(sample.sampleId, sample.score);
        }
    }
    std::sort(samples.begin(), samples.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
    const QString range = ScoreHistogramView::binRangeText(bin);
    const QString split = splitName(showsTest());
    QString title = defect ? tr("%1 defects scoring %2").arg(split, range)
                           : tr("%1 good parts scoring %2").arg(split, range);
    if (data_.runId > 0) {
        title = tr("%1 (run #%2)").arg(title).arg(data_.runId);
    }
    emit samplesRequested(title, samples);
}

} // namespace kestrel::widgets
