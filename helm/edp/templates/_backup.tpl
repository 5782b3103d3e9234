{{/* Settings of the pgbackup CronJob and the pgrestore Job (deploy/backup/*.sh). */}}
{{- define "edp.backupEnv" -}}
- name: PGHOST
  value: {{ include "edp.dbHost" . | quote }}
- name: PGPORT
  value: {{ include "edp.dbPort" . | quote }}
- name: PGDATABASE
  value: {{ include "edp.dbName" . | quote }}
- name: PGSSLMODE
  value: {{ if eq .Values.database.mode "cloudnativepg" }}require{{ else }}{{ .Values.database.external.sslmode }}{{ end }}
- name: PGUSER
  valueFrom:
    secretKeyRef: { name: {{ include "edp.dbSecretName" . }}, key: {{ include "edp.dbUsernameKey" . }} }
- name: PGPASSWORD
  valueFrom:
    secretKeyRef: { name: {{ include "edp.dbSecretName" . }}, key: {{ include "edp.dbPasswordKey" . }} }
- name: S3_ENDPOINT
  value: {{ .Values.backup.s3.endpoint | quote }}
- name: S3_BUCKET
  value: {{ .Values.backup.s3.bucket | quote }}
- name: S3_REGION
  value: {{ .Values.backup.s3.region | quote }}
# One folder per environment.
- name: S3_PREFIX
  value: {{ .Values.environment | quote }}
- name: BACKUP_RETENTION_DAYS
  value: {{ .Values.backup.retentionDays | quote }}
- name: AWS_ACCESS_KEY_ID
  valueFrom:
    secretKeyRef: { name: {{ .Values.backup.s3.existingSecret }}, key: access-key-id }
- name: AWS_SECRET_ACCESS_KEY
  valueFrom:
    secretKeyRef: { name: {{ .Values.backup.s3.existingSecret }}, key: secret-access-key }
{{- end -}}
{{- define "edp.backupPod" -}}
restartPolicy: Never
automountServiceAccountToken: false
securityContext:
  runAsNonRoot: true
  runAsUser: 999
  runAsGroup: 999
  fsGroup: 999
  seccompProfile: { type: RuntimeDefault }
{{- with .Values.imagePullSecrets }}
imagePullSecrets:
  {{- toYaml . | nindent 2 }}
{{- end }}
volumes:
  - name: tmp
    emptyDir: {}
{{- end -}}
