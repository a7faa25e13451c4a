package org.apache.avro.data;

/**
 * Avro 1.8's name of {@link TimeConversions.TimestampMillisConversion}: see {@link
 * TimeConversions$TimeConversion}, which Hudi 0.14's generated classes create beside it.
 */
public class TimeConversions$TimestampConversion extends TimeConversions.TimestampMillisConversion {}
