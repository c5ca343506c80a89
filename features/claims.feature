@e2e @claims
Feature: Claims across replicas: the remote's main is the only arbiter
  A claim is won only when the push that records it is accepted. Two workers that see the
  same mail create and claim one task; an offline claim replayed at a newer tip loses; a
  stale lease is taken over at the next epoch and the old holder's completion is fenced.
  Every check reads the remote, not what a replica says about itself.

  Background:
    Given a Platinum world on the processes backend

  Scenario: Two Cloud workers race for the same mail
    Given a second Cloud worker on the same remote and mailbox
    When the customer mail "q4" arrives
    Then both Cloud workers have handled the mail "q4"
    And the remote accepted exactly one creation, one claim and one draft of "q4"
    And the remote holds one claimed task and one approval request for "q4"
    And the losing worker's duplicate or lost claim of "q4" is in Cloud's audit log

  Scenario: An offline claim loses to an online one
    Given an offline Cloud replica and an online Local replica both see a pending task
    When the offline replica claims the task and drafts a plan from its claim
    And the online replica claims the task
    And the offline replica comes back online
    Then the offline claim is dropped and logged as "claim_lost"
    And the plan drafted from the offline claim is fenced and never reaches the remote
    And the remote shows the task held by the online replica alone

  Scenario: A stale lease is reclaimed at the next epoch
    Given the world's own Cloud worker is paused
    And two Cloud replicas see a task the first one claimed with a 30-second lease
    When the second replica tries to reclaim it while the lease is valid
    Then the reclaim is refused as "lease_valid"
    When 31 seconds pass on the second replica's clock and it reclaims again
    Then the remote records the task held at epoch 2

  Scenario: A stale completion is rejected
    Given the world's own Cloud worker is paused
    And two Cloud replicas see a task the first one claimed with a 30-second lease
    When 31 seconds pass on the second replica's clock and it reclaims again
    And the first replica completes the task at its old epoch
    Then the completion is rejected as "fenced"
    And nothing from the stale completion reaches the remote
