package dbbackup

// FanOutBound is the most rows a fan-out's read may be ahead of its
// slowest view, in batches of rows of no bytes.
const FanOutBound = (fanBatches + 1) * fanBatchRows
