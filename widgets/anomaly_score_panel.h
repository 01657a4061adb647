#pragma once

#include "anomaly_score_data.h"

#include <cstdint>
#include <utility>
#include <vector>

#include <QString>
#include <QWidget>

class QComboBox;
class QLabel;
class QPushButton;

namespace kestrel::widgets {

class ScoreHistogramView;

// An anomaly-detection run's scores as the line sees them: a histogram of good parts and
// defects per score ("scoreHistogram") with a threshold to drag, and what that threshold lets
// escape and wrongly rejects ("anomalyRates"), following it at once. A what-if: the run and
// its exports keep 0.5, which "resetThreshold" puts back. "anomalySplit" chooses validation
// or test images when the run has test scores. Clicking a bar asks, through samplesRequested,
// for its parts.
class AnomalyScorePanel : public QWidget {
    Q_OBJECT
public:
    using ScoredSamples = std::vector<std::pair<std::int64_t, float>>; // (sample id, score)

    explicit AnomalyScorePanel(QWidget* parent = nullptr);

    // Shows the panel, with a hint in place of figures when a split lacks good parts or
    // defects. Another run starts on validation at the run's threshold; the same run's scores
    // again keep the split and threshold chosen.
    void setData(const AnomalyScoreData& scores);
    void clear(); // and hides the panel

    double threshold() const;
    void setThreshold(double threshold); // clamped to [0, 1]
    QString ratesText() const;
    ScoreHistogramView* histogram() const { return view_; }

signals:
    // A bar's parts, highest score first; title such as "Validation defects scoring
    // 0.55–0.60 (run #3)".
    void samplesRequested(const QString& title,
                          const std::vector<std::pair<std::int64_t, float>>& samples);

private:
    // One split's scores as core's figures take them, built once per setData.
    struct SplitScores {
        std::vector<float> scores;
        std::vector<std::uint8_t> defect;
    };

    bool showsTest() const;
    const std::vector<AnomalyScoredSample>& shownSamples() const;
    QString splitName(bool test) const;
    QString rateLine(bool test, bool named) const;
    void showSplit();
    void showRates();
    void requestBar(int bin, bool defect);

    AnomalyScoreData data_;
    SplitScores validation_, test_;
    QLabel* caption_ = nullptr;
    QLabel* splitLabel_ = nullptr;
    QComboBox* split_ = nullptr;
    QPushButton* reset_ = nullptr;
    ScoreHistogramView* view_ = nullptr;
    QLabel* rates_ = nullptr;
    QLabel* hint_ = nullptr;
};

} // namespace kestrel::widgets
