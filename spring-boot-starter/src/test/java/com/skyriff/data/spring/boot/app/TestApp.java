package com.skyriff.data.spring.boot.app;

import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.cache.annotation.EnableCaching;

/** The starter's test application: nothing but Boot's auto-configuration, a scanned mapper and a service. */
@SpringBootApplication
@EnableCaching
public class TestApp {
}
