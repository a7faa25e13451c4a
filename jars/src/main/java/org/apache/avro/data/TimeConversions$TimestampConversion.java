package org.apache.avro.data;

/** Avro 1.8's name of {@link TimeConversions.TimestampMillisConversion}, which Hudi 0.14's generated classes use. */
public class TimeConversions$TimestampConversion extends TimeConversions.TimestampMillisConversion {}
