package org.apache.avro.data;

/**
 * Avro 1.8's name of {@link TimeConversions.TimeMillisConversion}. Hudi 0.14's generated metadata
 * classes ({@code TimeMicrosWrapper}, {@code DecimalWrapper}) create one in a static field that
 * they never use (their conversions are all null), and Avro 1.12, which Iceberg needs, no longer has
 * the class: without it the Hudi target fails (NoClassDefFoundError) on the first decimal column,
 * whose statistics Hudi's column-stats index wraps in a {@code DecimalWrapper}.
 */
public class TimeConversions$TimeConversion extends TimeConversions.TimeMillisConversion {}
