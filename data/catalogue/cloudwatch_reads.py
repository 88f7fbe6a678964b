"""Reading CloudWatch back: what GetMetricData and DescribeAlarmHistory can return, and for how long
CloudWatch keeps what they read (``estate report``, issue 14 #4).

GetMetricData: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html
MetricStat (period rules): https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html
DescribeAlarmHistory: https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html
"""

from __future__ import annotations

GET_METRIC_DATA = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_GetMetricData.html"
METRIC_STAT = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_MetricStat.html"
DESCRIBE_ALARM_HISTORY = "https://docs.aws.amazon.com/AmazonCloudWatch/latest/APIReference/API_DescribeAlarmHistory.html"
ALARM_HISTORY_BLOG = "https://aws.amazon.com/blogs/mt/extending-and-exploring-alarm-history-in-amazon-cloudwatch-part-1/"

# GetMetricData: "as many as 500 different metrics in a single request, with a total of as many as
# 100,800 data points" (GET_METRIC_DATA); more comes back page by page behind NextToken.
GET_METRIC_DATA_MAX_DATAPOINTS = 100_800

# Retention (GET_METRIC_DATA): 1-minute datapoints for 15 days, 5-minute for 63 days, 1-hour for 455
# days; and the period a query must use (METRIC_STAT) by how long ago StartTime is: a multiple of 60 s
# up to 15 days, of 300 s up to 63 days, of 3600 s beyond (otherwise "no data points ... returned").
# Kept as (days, period seconds): the shortest period whose data still exists that far back.
METRIC_RETENTION = ((15, 60), (63, 300), (455, 3600))
HOURLY_PERIOD = 3600
METRIC_RETENTION_DAYS = METRIC_RETENTION[-1][0]

# DescribeAlarmHistory MaxRecords: 1 to 100 (DESCRIBE_ALARM_HISTORY); HistoryData is JSON with
# oldState/newState.stateValue (the API reference's AlarmHistoryItem and the CLI's example).
ALARM_HISTORY_MAX_RECORDS = 100
# How long alarm history is kept: the API reference does not say; AWS's blog (ALARM_HISTORY_BLOG) and
# the legacy CLI reference (mon-describe-alarm-history) say 14 days. A month older than that has its
# incidents only in part: the report says from when it could read them.
ALARM_HISTORY_RETENTION_DAYS = 14
